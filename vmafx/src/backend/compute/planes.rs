//! Luma planes as kernels read them: rows packed without padding, one byte per sample
//! at 8 bits and two (little-endian) above.

use super::device::{ComputeDevice, ComputeQueue, DeviceBuffer};
use crate::error::{Error, Result};
use crate::frame::{Plane, PlaneRef};
use std::sync::Arc;

/// `VMAFX_SAMPLES_U8` in `vmafx/kernels/cuda/portable.h`.
pub const SAMPLES_U8: u32 = 0;
/// `VMAFX_SAMPLES_U16`.
pub const SAMPLES_U16: u32 = 1;
/// `VMAFX_SAMPLES_I32`: one 32-bit value per sample (intermediate planes).
pub const SAMPLES_I32: u32 = 2;

/// The sample layout of planes of `bit_depth` bits.
pub fn sample_kind(bit_depth: u8) -> u32 {
    if bit_depth > 8 {
        SAMPLES_U16
    } else {
        SAMPLES_U8
    }
}

/// Device buffers for two planes of one size and their staging bytes.
#[derive(Debug)]
pub struct PlanePair {
    buffers: [DeviceBuffer; 2],
    staging: Vec<u8>,
    width: usize,
    height: usize,
    bit_depth: u8,
}

impl PlanePair {
    /// Buffers for `width x height` planes of `bit_depth` bits.
    pub fn new(
        device: &Arc<dyn ComputeDevice>,
        width: usize,
        height: usize,
        bit_depth: u8,
    ) -> Result<Self> {
        let bytes = width * height * if bit_depth > 8 { 2 } else { 1 };
        Ok(Self {
            buffers: [
                DeviceBuffer::new(device, bytes)?,
                DeviceBuffer::new(device, bytes)?,
            ],
            staging: Vec::with_capacity(bytes),
            width,
            height,
            bit_depth,
        })
    }

    /// Queues the upload of both planes, which must be of the buffers' size and sample
    /// type.
    pub fn upload(
        &mut self,
        queue: &mut dyn ComputeQueue,
        planes: [PlaneRef<'_>; 2],
    ) -> Result<()> {
        for (plane, what) in planes.iter().zip(["reference", "distorted"]) {
            self.check(plane, what)?;
        }
        for (buffer, plane) in self.buffers.iter().zip(planes) {
            pack(plane, &mut self.staging);
            queue.upload(buffer, &self.staging)?;
        }
        Ok(())
    }

    /// Refuses a plane the buffers were not made for.
    fn check(&self, plane: &PlaneRef<'_>, what: &str) -> Result<()> {
        if plane.width() != self.width || plane.height() != self.height {
            return Err(Error::InvalidInput(format!(
                "{what} plane is {}x{}, the device buffers were made for {}x{}",
                plane.width(),
                plane.height(),
                self.width,
                self.height
            )));
        }
        if matches!(plane, PlaneRef::U16(_)) != (self.bit_depth > 8) {
            return Err(Error::InvalidInput(format!(
                "{what} plane sample type does not match bit depth {}",
                self.bit_depth
            )));
        }
        Ok(())
    }

    /// The two device buffers, in upload order.
    pub fn buffers(&self) -> [&DeviceBuffer; 2] {
        [&self.buffers[0], &self.buffers[1]]
    }

    /// The layout kernels read the planes with.
    pub fn sample_kind(&self) -> u32 {
        sample_kind(self.bit_depth)
    }
}

/// `plane`'s samples, row after row, into `out` (cleared first).
pub fn pack(plane: PlaneRef<'_>, out: &mut Vec<u8>) {
    out.clear();
    match plane {
        PlaneRef::U8(p) => rows(&p).for_each(|row| out.extend_from_slice(row)),
        PlaneRef::U16(p) => {
            rows(&p).for_each(|row| out.extend(row.iter().flat_map(|s| s.to_le_bytes())))
        }
    }
}

fn rows<'a, T: crate::frame::Sample>(
    plane: &'a Plane<'a, T>,
) -> impl Iterator<Item = &'a [T]> + 'a {
    (0..plane.height()).map(move |y| plane.row(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_drops_the_stride_padding() {
        let data = [1u16, 2, 99, 3, 4, 99];
        let plane = Plane::new(&data, 2, 2, 3).unwrap();
        let mut out = Vec::new();
        pack(PlaneRef::U16(plane), &mut out);
        assert_eq!(out, [1, 0, 2, 0, 3, 0, 4, 0]);
        let bytes = [5u8, 6, 0, 7, 8, 0];
        pack(PlaneRef::U8(Plane::new(&bytes, 2, 2, 3).unwrap()), &mut out);
        assert_eq!(out, [5, 6, 7, 8]);
        assert_eq!(sample_kind(8), SAMPLES_U8);
        assert_eq!(sample_kind(10), SAMPLES_U16);
    }
}
