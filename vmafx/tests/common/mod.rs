//! Helpers shared by the integration tests: synthetic frames, Y4M files and the
//! conformance corpus.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use vmafx::frame::PlaneBuffer;
use vmafx::{ChromaSubsampling, Frame, FrameFormat};

/// A textured frame: a moving gradient with hashed noise, so every feature does work.
pub fn textured_frame(format: FrameFormat, seed: u32, noise: u32) -> Frame {
    let mut frame = Frame::zeroed(format);
    let max = (1u32 << format.bit_depth()) - 1;
    for plane in 0..format.plane_count() {
        let width = format.plane_width(plane);
        let value = |i: usize| {
            let (x, y) = ((i % width) as u32, (i / width) as u32);
            let hash = x.wrapping_mul(73_856_093)
                ^ y.wrapping_mul(19_349_663)
                ^ seed.wrapping_mul(83_492_791);
            let base = (x * 3 + y * 2 + seed * 5) % 200 + 20 + ((x / 7 + y / 5) % 2) * 20;
            let scaled = base << (format.bit_depth() - 8);
            (scaled + hash % (noise + 1)).min(max)
        };
        match frame.plane_buffer_mut(plane) {
            PlaneBuffer::U8(data) => {
                for (i, s) in data.iter_mut().enumerate() {
                    *s = value(i) as u8;
                }
            }
            PlaneBuffer::U16(data) => {
                for (i, s) in data.iter_mut().enumerate() {
                    *s = value(i) as u16;
                }
            }
        }
    }
    frame
}

/// The Y4M colour-space tag for a format.
pub fn y4m_tag(format: &FrameFormat) -> String {
    let base = match format.chroma() {
        ChromaSubsampling::Yuv400 => "mono",
        ChromaSubsampling::Yuv420 => "420",
        ChromaSubsampling::Yuv422 => "422",
        ChromaSubsampling::Yuv444 => "444",
    };
    match (format.chroma(), format.bit_depth()) {
        (ChromaSubsampling::Yuv400, 8) => "mono".into(),
        (ChromaSubsampling::Yuv400, d) => format!("mono{d}"),
        (ChromaSubsampling::Yuv420, 8) => "420jpeg".into(),
        (_, 8) => base.into(),
        (_, d) => format!("{base}p{d}"),
    }
}

/// Serialises frames as a Y4M stream.
pub fn y4m_bytes(frames: &[Frame]) -> Vec<u8> {
    let format = frames[0].format();
    let mut out = format!(
        "YUV4MPEG2 W{} H{} F25:1 Ip A1:1 C{}\n",
        format.width(),
        format.height(),
        y4m_tag(format)
    )
    .into_bytes();
    for frame in frames {
        out.extend_from_slice(b"FRAME\n");
        for plane in 0..format.plane_count() {
            match frame.plane_buffer(plane) {
                PlaneBuffer::U8(d) => out.extend_from_slice(d),
                PlaneBuffer::U16(d) => d
                    .iter()
                    .for_each(|s| out.extend_from_slice(&s.to_le_bytes())),
            }
        }
    }
    out
}

/// A fresh, empty scratch directory for one test.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vmafx-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir is writable");
    dir
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).expect("temp file is writable");
    file.write_all(bytes).expect("temp file is writable");
    path
}

/// The conformance corpus: `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` beside the
/// repository; `None` when it has no manifest.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VMAFX_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance")
        });
    dir.join("manifest.json").is_file().then_some(dir)
}
