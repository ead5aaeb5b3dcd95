//! Property tests of the Y4M and raw YUV readers: streams written here, in memory, read
//! back frame for frame; cut or garbled streams give errors, never panics.

use std::io::Cursor;

use proptest::prelude::*;
use vmafx::frame::PlaneBuffer;
use vmafx::io::{FrameReader, Y4mReader, YuvReader};
use vmafx::{ChromaSubsampling, Error, Frame, FrameFormat};

const LAYOUTS: [ChromaSubsampling; 4] = [
    ChromaSubsampling::Yuv400,
    ChromaSubsampling::Yuv420,
    ChromaSubsampling::Yuv422,
    ChromaSubsampling::Yuv444,
];

/// Parameters some writers put after `FRAME`; readers must skip them.
const FRAME_PARAMETERS: [&str; 5] = ["", " Ixyz", " Ip", " XFOO=bar", " Ixyz XA=1"];

/// A few frames of one format with pseudo-random samples below `2^bit_depth`.
#[derive(Debug)]
struct Clip {
    format: FrameFormat,
    frames: Vec<Frame>,
}

fn clip(
    layout: usize,
    bit_depth: u8,
    width: usize,
    height: usize,
    count: usize,
    seed: u64,
) -> Clip {
    let format = FrameFormat::new(width, height, LAYOUTS[layout], bit_depth).unwrap();
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % (1 << bit_depth)
    };
    let frames = (0..count)
        .map(|_| {
            let mut frame = Frame::zeroed(format);
            for i in 0..format.plane_count() {
                match frame.plane_buffer_mut(i) {
                    PlaneBuffer::U8(v) => v.iter_mut().for_each(|s| *s = next() as u8),
                    PlaneBuffer::U16(v) => v.iter_mut().for_each(|s| *s = next() as u16),
                }
            }
            frame
        })
        .collect();
    Clip { format, frames }
}

/// The `C` tag for the format; `variant` picks among the 8-bit 4:2:0 spellings.
fn colour_tag(format: &FrameFormat, variant: usize) -> String {
    let depth = format.bit_depth();
    match (format.chroma(), depth) {
        (ChromaSubsampling::Yuv420, 8) => {
            ["420jpeg", "420", "420mpeg2", "420paldv"][variant % 4].into()
        }
        (ChromaSubsampling::Yuv400, 8) => "mono".into(),
        (ChromaSubsampling::Yuv400, d) => format!("mono{d}"),
        (layout, 8) => layout.name().into(),
        (layout, d) => format!("{}p{d}", layout.name()),
    }
}

/// A frame's samples in planar file layout, 16-bit little-endian above 8 bits.
fn planar_bytes(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..frame.format().plane_count() {
        match frame.plane_buffer(i) {
            PlaneBuffer::U8(v) => out.extend_from_slice(v),
            PlaneBuffer::U16(v) => v
                .iter()
                .for_each(|s| out.extend_from_slice(&s.to_le_bytes())),
        }
    }
    out
}

/// A Y4M stream and, per frame, where its samples start and end.
struct Y4m {
    bytes: Vec<u8>,
    header_len: usize,
    frame_spans: Vec<(usize, usize)>,
}

fn y4m(clip: &Clip, variant: usize) -> Y4m {
    let f = &clip.format;
    let mut bytes = format!(
        "YUV4MPEG2 W{} H{} F25:1 Ip A1:1 C{} XYSCSS=TEST\n",
        f.width(),
        f.height(),
        colour_tag(f, variant)
    )
    .into_bytes();
    let header_len = bytes.len();
    let mut frame_spans = Vec::new();
    for (k, frame) in clip.frames.iter().enumerate() {
        let parameters = FRAME_PARAMETERS[(variant + k) % FRAME_PARAMETERS.len()];
        bytes.extend_from_slice(format!("FRAME{parameters}\n").as_bytes());
        let start = bytes.len();
        bytes.extend_from_slice(&planar_bytes(frame));
        frame_spans.push((start, bytes.len()));
    }
    Y4m {
        bytes,
        header_len,
        frame_spans,
    }
}

fn raw(clip: &Clip) -> Vec<u8> {
    clip.frames.iter().flat_map(planar_bytes).collect()
}

/// Reads frames until the end or the first error; returns what was read and the error.
fn read_all(reader: &mut dyn FrameReader) -> (Vec<Frame>, Option<Error>) {
    let mut frames = Vec::new();
    loop {
        match reader.read_frame() {
            Ok(Some(frame)) => frames.push(frame),
            Ok(None) => return (frames, None),
            Err(e) => return (frames, Some(e)),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn streams_read_back_frame_for_frame(
        layout in 0usize..4,
        bit_depth in 8u8..=16,
        width in 1usize..=40,
        height in 1usize..=40,
        count in 0usize..=4,
        seed in any::<u64>(),
        variant in 0usize..8,
    ) {
        let clip = clip(layout, bit_depth, width, height, count, seed);

        let stream = y4m(&clip, variant);
        let mut reader = Y4mReader::new(Cursor::new(stream.bytes)).unwrap();
        prop_assert_eq!(reader.header().format, clip.format);
        prop_assert_eq!(*reader.format(), clip.format);
        let (frames, error) = read_all(&mut reader);
        prop_assert!(error.is_none(), "{:?}", error);
        prop_assert_eq!(&frames, &clip.frames);
        // Further reads stay at the end.
        prop_assert!(reader.read_frame().unwrap().is_none());

        let mut reader = YuvReader::new(Cursor::new(raw(&clip)), clip.format);
        let mut frame = Frame::zeroed(clip.format);
        for expected in &clip.frames {
            prop_assert!(reader.read_into(&mut frame).unwrap());
            prop_assert_eq!(&frame, expected);
        }
        prop_assert!(!reader.read_into(&mut frame).unwrap());
    }

    #[test]
    fn streams_cut_inside_a_frame_are_errors(
        layout in 0usize..4,
        bit_depth in 8u8..=16,
        width in 1usize..=24,
        height in 1usize..=24,
        count in 1usize..=3,
        seed in any::<u64>(),
        variant in 0usize..8,
        cut_at in 0.0f64..1.0,
    ) {
        let clip = clip(layout, bit_depth, width, height, count, seed);
        let frame_bytes = clip.format.frame_bytes();

        let stream = y4m(&clip, variant);
        let cut = (cut_at * stream.bytes.len() as f64) as usize;
        let at_boundary = cut == stream.header_len || stream.frame_spans.iter().any(|s| s.1 == cut);
        if !at_boundary {
            match Y4mReader::new(Cursor::new(stream.bytes[..cut].to_vec())) {
                Err(e) => {
                    prop_assert!(cut < stream.header_len, "header rejected: {e}");
                    prop_assert!(matches!(e, Error::Y4m(_)), "{e:?}");
                }
                Ok(mut reader) => {
                    prop_assert!(cut > stream.header_len);
                    let whole = stream.frame_spans.iter().filter(|s| s.1 < cut).count();
                    let (frames, error) = read_all(&mut reader);
                    prop_assert_eq!(&frames[..], &clip.frames[..whole]);
                    let (start, _) = stream.frame_spans[whole];
                    match error {
                        Some(Error::Truncated { frame, got, expected }) => {
                            prop_assert!(cut >= start, "cut in the marker line");
                            prop_assert_eq!(
                                (frame, got, expected),
                                (whole as u64, cut - start, frame_bytes)
                            );
                        }
                        Some(Error::Y4m(_)) => prop_assert!(cut < start, "cut in the samples"),
                        other => prop_assert!(false, "cut at {cut}: {other:?}"),
                    }
                }
            }
        }

        let bytes = raw(&clip);
        let cut = (cut_at * bytes.len() as f64) as usize;
        if !cut.is_multiple_of(frame_bytes) {
            let mut reader = YuvReader::new(Cursor::new(&bytes[..cut]), clip.format);
            let (frames, error) = read_all(&mut reader);
            let whole = cut / frame_bytes;
            prop_assert_eq!(&frames[..], &clip.frames[..whole]);
            match error {
                Some(Error::Truncated { frame, got, expected }) => prop_assert_eq!(
                    (frame, got, expected),
                    (whole as u64, cut % frame_bytes, frame_bytes)
                ),
                other => prop_assert!(false, "cut at {cut}: {other:?}"),
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let result = Y4mReader::new(Cursor::new(bytes.clone()));
        if !bytes.starts_with(b"YUV4MPEG2") {
            prop_assert!(result.is_err());
        }
        if let Ok(mut reader) = result {
            if reader.format().frame_bytes() < 1 << 20 {
                let _ = read_all(&mut reader);
            }
        }
    }

    #[test]
    fn arbitrary_header_text_never_panics(text in "\\PC{0,60}", frames in "\\PC{0,30}") {
        let stream = format!("YUV4MPEG2 {text}\n{frames}");
        if let Ok(mut reader) = Y4mReader::new(Cursor::new(stream.into_bytes())) {
            if reader.format().frame_bytes() < 1 << 20 {
                let _ = read_all(&mut reader);
            }
        }
    }

    #[test]
    fn garbage_after_a_frame_is_a_y4m_error(
        marker in "[A-Za-z \\-]{0,12}",
        count in 0usize..=2,
    ) {
        prop_assume!(marker != "FRAME" && !marker.starts_with("FRAME "));
        let clip = clip(1, 8, 4, 4, count, 9);
        let mut bytes = y4m(&clip, 0).bytes;
        bytes.extend_from_slice(format!("{marker}\n").as_bytes());
        bytes.extend_from_slice(&[0; 24]);
        let mut reader = Y4mReader::new(Cursor::new(bytes)).unwrap();
        let (frames, error) = read_all(&mut reader);
        prop_assert_eq!(frames.len(), count);
        prop_assert!(matches!(error, Some(Error::Y4m(_))), "{:?}", error);
    }
}

#[test]
fn bad_headers_are_errors() {
    let long = format!("YUV4MPEG2 W16 H16 X{}\n", "a".repeat(5000));
    let headers: Vec<&[u8]> = vec![
        b"",
        b"\n",
        b"YUV4MPEG\n",
        b"YUV4MPEG2\n",
        b"YUV4MPEG2 W16\n",
        b"YUV4MPEG2 H16\n",
        b"YUV4MPEG2 W16 H16",
        b"YUV4MPEG2 W0 H16\n",
        b"YUV4MPEG2 W16 H0\n",
        b"YUV4MPEG2 W-1 H16\n",
        b"YUV4MPEG2 Wabc H16\n",
        b"YUV4MPEG2 W65537 H16\n",
        b"YUV4MPEG2 W99999999999999999999999 H16\n",
        b"YUV4MPEG2 W16 H16 C411\n",
        b"YUV4MPEG2 W16 H16 C420p17\n",
        b"YUV4MPEG2 W16 H16 C420p7\n",
        b"YUV4MPEG2 W16 H16 C422jpeg\n",
        b"YUV4MPEG2 W16 H16 Cmonojpeg\n",
        b"YUV4MPEG2 W16 H16 C\n",
        b"YUV4MPEG2 W16 H16 It\n",
        b"YUV4MPEG2 W16 H16 Ib\n",
        "YUV4MPEG2 W16 H16 C4\u{e9}\n".as_bytes(),
        "YUV4MPEG2 W16 H16 C42\u{e9}\n".as_bytes(),
        b"YUV4MPEG2 W16 H16 \xff\xfe\n",
        long.as_bytes(),
    ];
    for header in headers {
        let result = Y4mReader::new(Cursor::new(header.to_vec()));
        assert!(
            matches!(result, Err(Error::Y4m(_)) | Err(Error::InvalidInput(_))),
            "{:?} gave {:?}",
            String::from_utf8_lossy(header),
            result.map(|r| *r.format())
        );
    }
}

#[test]
fn sixteen_bit_samples_are_little_endian() {
    let samples = [0x34, 0x12, 0xff, 0x00, 0x00, 0xff, 0x01, 0x80];
    let expected = vec![0x1234u16, 0x00ff, 0xff00, 0x8001];

    let mut stream = b"YUV4MPEG2 W2 H2 Cmono16\nFRAME\n".to_vec();
    stream.extend_from_slice(&samples);
    let frame = Y4mReader::new(Cursor::new(stream))
        .unwrap()
        .read_frame()
        .unwrap()
        .unwrap();
    assert_eq!(frame.plane_buffer(0), &PlaneBuffer::U16(expected.clone()));

    let format = FrameFormat::new(2, 2, ChromaSubsampling::Yuv400, 16).unwrap();
    let frame = YuvReader::new(Cursor::new(samples.to_vec()), format)
        .read_frame()
        .unwrap()
        .unwrap();
    assert_eq!(frame.plane_buffer(0), &PlaneBuffer::U16(expected));

    // 10-bit 4:2:0: a 2x2 luma plane and one sample per chroma plane.
    let mut stream = b"YUV4MPEG2 W2 H2 C420p10\nFRAME\n".to_vec();
    stream.extend_from_slice(&[
        0xff, 0x03, 0x00, 0x02, 0x01, 0x00, 0x00, 0x01, 0x10, 0x00, 0x20, 0x03,
    ]);
    let frame = Y4mReader::new(Cursor::new(stream))
        .unwrap()
        .read_frame()
        .unwrap()
        .unwrap();
    assert_eq!(
        frame.plane_buffer(0),
        &PlaneBuffer::U16(vec![1023, 512, 1, 256])
    );
    assert_eq!(frame.plane_buffer(1), &PlaneBuffer::U16(vec![16]));
    assert_eq!(frame.plane_buffer(2), &PlaneBuffer::U16(vec![800]));
}

#[test]
fn a_frame_buffer_of_another_format_is_an_error() {
    let clip = clip(1, 8, 6, 4, 1, 3);
    let mut reader = Y4mReader::new(Cursor::new(y4m(&clip, 0).bytes)).unwrap();
    let other = FrameFormat::new(6, 4, ChromaSubsampling::Yuv444, 8).unwrap();
    assert!(reader.read_into(&mut Frame::zeroed(other)).is_err());
}
