//! Skipping frames in seekable inputs reads only what follows the skip, and lands on
//! the same frame that reading through would.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::frame::{ChromaSubsampling, Frame, FrameFormat, PlaneBuffer};
use crate::io::{FrameReader, Y4mReader, YuvReader};

const HEADER: &[u8] = b"YUV4MPEG2 W1920 H1080 F25:1 Ip A1:1 C420jpeg\n";

fn hd() -> FrameFormat {
    FrameFormat::new(1920, 1080, ChromaSubsampling::Yuv420, 8).unwrap()
}

/// A long video that exists only as arithmetic: a header, then frames whose samples all
/// equal the frame number (mod 251), each after its own marker line. It counts the
/// bytes handed out, so a test can tell how much of the file a reader touched.
struct VirtualVideo {
    header: Vec<u8>,
    markers: Vec<Vec<u8>>,
    /// Start of each frame's marker.
    starts: Vec<u64>,
    payload: u64,
    position: u64,
    length: u64,
    bytes_read: Arc<AtomicU64>,
}

impl VirtualVideo {
    fn new(header: &[u8], markers: Vec<Vec<u8>>, payload: usize) -> (Self, Arc<AtomicU64>) {
        let mut starts = Vec::new();
        let mut at = header.len() as u64;
        for marker in &markers {
            starts.push(at);
            at += marker.len() as u64 + payload as u64;
        }
        let counter = Arc::new(AtomicU64::new(0));
        let video = Self {
            header: header.to_vec(),
            markers,
            starts,
            payload: payload as u64,
            position: 0,
            length: at,
            bytes_read: Arc::clone(&counter),
        };
        (video, counter)
    }

    fn y4m(frames: usize) -> (Self, Arc<AtomicU64>) {
        let payload = hd().frame_bytes();
        Self::new(HEADER, vec![b"FRAME\n".to_vec(); frames], payload)
    }

    /// The byte at `position` and how many of the same follow it, at least one.
    fn run_at(&self, position: u64) -> (u8, u64) {
        let header = self.header.len() as u64;
        if position < header {
            return (self.header[position as usize], 1);
        }
        let frame = self.starts.partition_point(|&s| s <= position) - 1;
        let into = position - self.starts[frame];
        let marker = &self.markers[frame];
        if into < marker.len() as u64 {
            return (marker[into as usize], 1);
        }
        let left = self.payload - (into - marker.len() as u64);
        ((frame % 251) as u8, left)
    }
}

impl Read for VirtualVideo {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < buf.len() && self.position < self.length {
            let (byte, run) = self.run_at(self.position);
            let n = (run as usize).min(buf.len() - written);
            buf[written..written + n].fill(byte);
            written += n;
            self.position += n as u64;
        }
        self.bytes_read.fetch_add(written as u64, Ordering::Relaxed);
        Ok(written)
    }
}

impl Seek for VirtualVideo {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => n as i128,
            SeekFrom::Current(n) => self.position as i128 + n as i128,
            SeekFrom::End(n) => self.length as i128 + n as i128,
        };
        self.position = u64::try_from(target)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "before start"))?;
        Ok(self.position)
    }
}

fn first_sample(frame: &Frame) -> u8 {
    match frame.plane_buffer(0) {
        PlaneBuffer::U8(d) => d[0],
        PlaneBuffer::U16(_) => unreachable!("8-bit test video"),
    }
}

/// Skips `skip` frames, then reads to the end; returns the frame numbers read (from
/// their samples) and the bytes the source handed out.
fn skip_then_read(mut reader: impl FrameReader, counter: &AtomicU64, skip: u64) -> (Vec<u8>, u64) {
    let mut frame = Frame::zeroed(*reader.format());
    assert_eq!(reader.skip_frames(skip, &mut frame).unwrap(), skip);
    let mut seen = Vec::new();
    while reader.read_into(&mut frame).unwrap() {
        seen.push(first_sample(&frame));
    }
    (seen, counter.load(Ordering::Relaxed))
}

#[test]
fn the_last_ten_of_600_hd_frames_read_about_ten_frames() {
    let frame_bytes = hd().frame_bytes() as u64;
    let (video, counter) = VirtualVideo::y4m(600);
    let reader = Y4mReader::seekable(BufReader::with_capacity(1 << 20, video)).unwrap();
    let (seen, bytes) = skip_then_read(reader, &counter, 590);
    assert_eq!(
        seen,
        (590..600).map(|i| (i % 251) as u8).collect::<Vec<_>>()
    );
    // Ten frames, the skipped frame whose marker confirmed the landing, a buffer refill.
    assert!(
        bytes <= 11 * frame_bytes + (1 << 20) + 4096,
        "read {bytes} bytes, {:.1} frames",
        bytes as f64 / frame_bytes as f64
    );
    // Reading through instead touches every frame.
    let (video, counter) = VirtualVideo::y4m(600);
    let reader = Y4mReader::new(BufReader::with_capacity(1 << 20, video)).unwrap();
    let (_, bytes) = skip_then_read(reader, &counter, 590);
    assert!(bytes >= 600 * frame_bytes, "{bytes}");
}

#[test]
fn frame_parameters_send_the_skip_back_to_walking() {
    let format = FrameFormat::new(64, 48, ChromaSubsampling::Yuv420, 8).unwrap();
    let header = b"YUV4MPEG2 W64 H48 F25:1 Ip A1:1 C420jpeg\n";
    // Frames 3 and 9 carry parameters, so arithmetic from plain markers lands wrong.
    let markers: Vec<Vec<u8>> = (0..40)
        .map(|i| match i {
            3 | 9 => b"FRAME Ixyz XYZ=1\n".to_vec(),
            _ => b"FRAME\n".to_vec(),
        })
        .collect();
    for skip in [0, 1, 2, 4, 5, 12, 39, 40] {
        let (video, counter) = VirtualVideo::new(header, markers.clone(), format.frame_bytes());
        let reader = Y4mReader::seekable(BufReader::new(video)).unwrap();
        let (seen, _) = skip_then_read(reader, &counter, skip);
        let expected: Vec<u8> = (skip as u8..40).collect();
        assert_eq!(seen, expected, "skip {skip}");
    }
}

#[test]
fn skipping_past_the_end_counts_the_frames_there_were() {
    let format = FrameFormat::new(64, 48, ChromaSubsampling::Yuv420, 8).unwrap();
    let header = b"YUV4MPEG2 W64 H48 F25:1 Ip A1:1 C420jpeg\n";
    let (video, _) = VirtualVideo::new(header, vec![b"FRAME\n".to_vec(); 7], format.frame_bytes());
    let mut reader = Y4mReader::seekable(BufReader::new(video)).unwrap();
    let mut frame = Frame::zeroed(format);
    assert_eq!(reader.skip_frames(10, &mut frame).unwrap(), 7);
    assert!(!reader.read_into(&mut frame).unwrap());

    let (video, _) = VirtualVideo::new(b"", vec![Vec::new(); 7], format.frame_bytes());
    let mut reader = YuvReader::seekable(BufReader::new(video), format);
    assert_eq!(reader.skip_frames(10, &mut frame).unwrap(), 7);
    assert!(!reader.read_into(&mut frame).unwrap());
}

#[test]
fn raw_yuv_jumps_too() {
    let frame_bytes = hd().frame_bytes();
    for skip in [0, 1, 2, 590] {
        let (video, counter) = VirtualVideo::new(b"", vec![Vec::new(); 600], frame_bytes);
        let reader = YuvReader::seekable(BufReader::with_capacity(1 << 20, video), hd());
        let (seen, bytes) = skip_then_read(reader, &counter, skip);
        let expected: Vec<u8> = (skip..600).map(|i| (i % 251) as u8).collect();
        assert_eq!(seen, expected, "skip {skip}");
        let frames_read = (600 - skip + 1).min(600) as usize;
        assert!(
            bytes as usize <= frames_read * frame_bytes + (1 << 20),
            "skip {skip}"
        );
    }
}
