//! Holds the kernels' integer emulation of IEEE doubles equal to the host's doubles.

use super::device;
use crate::backend::vulkan::commands::run_once;
use crate::backend::vulkan::memory::{BufferRole, GpuBuffer};
use crate::backend::vulkan::pipelines::{DescriptorArena, KernelId};
use crate::test_support::pictures::Noise;

const ADD: u64 = 0;
const SUB: u64 = 1;
const MUL: u64 = 2;
const DIV: u64 = 3;
const TRUNC: u64 = 4;
const F32_FROM_INT: u64 = 5;
const F64_FROM_INT: u64 = 6;
const LESS: u64 = 7;

/// A positive double with a random number of significant bits (few bits make ties).
fn random_double(noise: &mut Noise, min_exp: i32, max_exp: i32) -> f64 {
    let bits = 1 + noise.below(53) as u32;
    let mantissa = (noise.next() >> (64 - bits)) | (1u64 << (bits - 1));
    let exponent = min_exp + noise.below((max_exp - min_exp) as u64) as i32;
    mantissa as f64 * 2f64.powi(exponent - bits as i32 + 1)
}

/// The host's answer for one record.
fn expected(op: u64, a: u64, b: u64) -> u64 {
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    match op {
        ADD => (x + y).to_bits(),
        SUB => (x - y).to_bits(),
        MUL => (x * y).to_bits(),
        DIV => (x / y).to_bits(),
        TRUNC => x.trunc() as u64,
        F32_FROM_INT => f64::from(a as f32).to_bits(),
        F64_FROM_INT => (a as f64).to_bits(),
        LESS => u64::from(x < y),
        _ => unreachable!("known operations only"),
    }
}

fn records(count: usize) -> Vec<[u64; 3]> {
    let mut noise = Noise(0x5eed);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let op = noise.below(8);
        let record = match op {
            TRUNC => [op, random_double(&mut noise, -60, 62).to_bits(), 0],
            F32_FROM_INT | F64_FROM_INT => {
                let bits = 1 + noise.below(64);
                let v = noise.next() >> (64 - bits);
                [op, v.max(1), 0]
            }
            _ => {
                let (lo, hi) = if noise.below(2) == 0 {
                    (-80, 80)
                } else {
                    (-4, 60)
                };
                let mut x = random_double(&mut noise, lo, hi);
                let mut y = random_double(&mut noise, lo, hi);
                if noise.below(4) == 0 {
                    // Close operands: cancellation and equal exponents.
                    y = x * (1.0 + random_double(&mut noise, -60, -1));
                }
                if op == SUB {
                    if x == y {
                        continue;
                    }
                    if x < y {
                        std::mem::swap(&mut x, &mut y);
                    }
                }
                [op, x.to_bits(), y.to_bits()]
            }
        };
        out.push(record);
    }
    out
}

#[test]
fn soft_doubles_equal_ieee_doubles() {
    let Some(device) = device() else { return };
    let count = 200_000;
    let input = records(count);
    let mut records_buffer =
        GpuBuffer::new(&device, count * 24, BufferRole::Upload, "probe records").unwrap();
    for (out, word) in records_buffer
        .bytes_mut()
        .chunks_exact_mut(8)
        .zip(input.iter().flatten())
    {
        out.copy_from_slice(&word.to_le_bytes());
    }
    let results =
        GpuBuffer::new(&device, count * 8, BufferRole::Readback, "probe results").unwrap();
    let kernel = device.kernel(KernelId::SoftfloatProbe).unwrap();
    let sets = DescriptorArena::new(&device, 1, 2).unwrap();
    let set = sets.bind(&kernel, &[&records_buffer, &results]).unwrap();
    run_once(&device, |rec| {
        rec.dispatch(
            &kernel,
            set,
            &[count as u32],
            [(count as u32).div_ceil(64), 1, 1],
        );
        Ok(())
    })
    .unwrap();
    let mut failures = 0;
    for (record, got) in input.iter().zip(results.words_u64()) {
        let want = expected(record[0], record[1], record[2]);
        if got != want {
            failures += 1;
            if failures < 10 {
                eprintln!(
                    "op {} on {:e} ({:#x}), {:e} ({:#x}): got {:#x}, want {:#x}",
                    record[0],
                    f64::from_bits(record[1]),
                    record[1],
                    f64::from_bits(record[2]),
                    record[2],
                    got,
                    want
                );
            }
        }
    }
    assert_eq!(failures, 0, "soft-float results differ from IEEE doubles");
}
