//! The C ABI's options: a `VmafxOptions` with fuzzed numbers and strings, passed to
//! `vmafx_stream_new` (which checks and translates every field, then builds the
//! scorer) through the `extern "C"` entry point, then the stream is queried and freed.
//!
//! Layout of an input: 32 bytes of numbers, then lines. A line `m:SPEC` is a model,
//! `f:SPEC` a feature, `b:NAME` the backend. Lines with a NUL (impossible in a C string)
//! are dropped; model specs naming a file (`path=`) end the input, as the target reads
//! no files. Panics are caught at the boundary and reported as
//! `VMAFX_STATUS_INTERNAL`; the fuzzer's panic hook aborts on them first.
#![no_main]

use std::ffi::{c_char, CStr, CString};

use libfuzzer_sys::fuzz_target;
use vmafx_sys::{
    vmafx_last_error, vmafx_options_init, vmafx_status_str, vmafx_stream_free,
    vmafx_stream_metric_count, vmafx_stream_metric_name, vmafx_stream_new, VmafxFrameFormat,
    VmafxOptions, VmafxStatus, VmafxStream,
};

fn u32_at(bytes: &[u8; 32], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fuzz_target!(|data: &[u8]| {
    let Some((numbers, text)) = data.split_first_chunk::<32>() else {
        return;
    };
    let (mut models, mut features, mut backend) = (Vec::new(), Vec::new(), None);
    for line in text.split(|&b| b == b'\n') {
        let Some((kind, value)) = line.split_first_chunk::<2>() else {
            continue;
        };
        let Ok(value) = CString::new(value) else {
            continue;
        };
        match kind {
            b"m:" if value.as_bytes().windows(4).any(|w| w == b"path") => return,
            b"m:" => models.push(value),
            b"f:" => features.push(value),
            b"b:" => backend = Some(value),
            _ => {}
        }
    }
    let model_ptrs: Vec<*const c_char> = models.iter().map(|m| m.as_ptr()).collect();
    let feature_ptrs: Vec<*const c_char> = features.iter().map(|f| f.as_ptr()).collect();

    let mut options = VmafxOptions {
        struct_size: 0,
        flags: 0,
        models: std::ptr::null(),
        model_count: 0,
        features: std::ptr::null(),
        feature_count: 0,
        threads: 0,
        subsample: 0,
        backend: std::ptr::null(),
        pool_method: 0,
        raw_format: VmafxFrameFormat {
            width: 0,
            height: 0,
            chroma: 0,
            bit_depth: 0,
        },
        skip_reference_frames: 0,
        skip_distorted_frames: 0,
        max_frames: 0,
        pool_percentile: 0.0,
        frame_start: 0,
        frame_end: 0,
    };
    // SAFETY: `options` is a writable VmafxOptions.
    let status = unsafe { vmafx_options_init(&mut options) };
    assert_eq!(status, VmafxStatus::Ok);
    let switches = numbers[0];
    if switches & 1 != 0 {
        // A caller built against another version of the header.
        options.struct_size = u32_at(numbers, 28);
    }
    options.flags = u32_at(numbers, 4);
    // Thread counts past the limit are refused before any thread starts; within it,
    // at most two threads are started per input.
    let threads = u32_at(numbers, 8);
    options.threads = if threads > 1024 { threads } else { threads % 3 };
    options.subsample = u32_at(numbers, 12) % 4;
    options.pool_method = u32_at(numbers, 16) % 7;
    options.pool_percentile = f64::from_le_bytes(numbers[20..28].try_into().unwrap_or_default());
    if !model_ptrs.is_empty() || switches & 2 != 0 {
        options.models = model_ptrs.as_ptr();
        options.model_count = model_ptrs.len();
    }
    if !feature_ptrs.is_empty() {
        options.features = feature_ptrs.as_ptr();
        options.feature_count = feature_ptrs.len();
    }
    if let Some(name) = &backend {
        options.backend = name.as_ptr();
    }
    // Small frames (0 and past 65536 are refused by the library itself).
    let format = VmafxFrameFormat {
        width: u32::from(numbers[1] % 80),
        height: u32::from(numbers[2] % 80),
        chroma: u32::from(numbers[3] % 6),
        bit_depth: u32::from(switches >> 2),
    };

    let mut stream: *mut VmafxStream = std::ptr::null_mut();
    // SAFETY: every pointer in `options` points into the vectors and strings above,
    // which outlive the call; `format` and `stream` are valid.
    let status = unsafe { vmafx_stream_new(&options, &format, &mut stream) };
    assert_ne!(
        status,
        VmafxStatus::Internal,
        "internal error from vmafx_stream_new"
    );
    // SAFETY: the status string and the last error are static or thread-local strings.
    unsafe {
        let _ = CStr::from_ptr(vmafx_status_str(status as i32)).to_bytes();
        let message = vmafx_last_error();
        if !message.is_null() {
            let _ = CStr::from_ptr(message).to_bytes();
        }
    }
    if status != VmafxStatus::Ok {
        assert!(stream.is_null(), "a failed vmafx_stream_new left a stream");
        return;
    }
    // SAFETY: `stream` is the live stream just created; it is freed once, last.
    unsafe {
        for index in 0..vmafx_stream_metric_count(stream) {
            let name = vmafx_stream_metric_name(stream, index);
            assert!(!name.is_null(), "metric {index} has no name");
            let _ = CStr::from_ptr(name).to_bytes();
        }
        vmafx_stream_free(stream);
    }
});
