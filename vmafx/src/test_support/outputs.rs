//! Holding a descriptor to its kernel: a request yields exactly the expected report
//! names, in order, and the extractor the descriptor builds writes the kernel's values
//! into those columns.

use crate::feature::descriptor::Extractor;
use crate::feature::request::FeatureRequest;
use crate::frame::{ChromaSubsampling, Frame, FrameFormat, FrameView, PlaneBuffer};
use crate::scorer::devices::Devices;

/// Frames scored by the checks: enough for three temporal values and a flush.
const FRAMES: usize = 4;

/// The format of the test frames: large enough for every metric's smallest input.
pub(crate) fn test_format() -> FrameFormat {
    FrameFormat::new(192, 176, ChromaSubsampling::Yuv420, 8).expect("a valid format")
}

/// Textured 8-bit frames that change from frame to frame; `seed` picks the sequence.
pub(crate) fn test_frames(format: &FrameFormat, seed: u32) -> Vec<Frame> {
    (0..FRAMES)
        .map(|n| {
            let mut frame = Frame::zeroed(*format);
            for p in 0..format.plane_count() {
                let width = format.plane_width(p);
                if let PlaneBuffer::U8(samples) = frame.plane_buffer_mut(p) {
                    for (i, sample) in samples.iter_mut().enumerate() {
                        let (x, y) = ((i % width) as u32, (i / width) as u32);
                        let wave = (x * 7 + y * 3 + n as u32 * 5) % 97;
                        let noise = (x ^ y).wrapping_mul(2_654_435_761 ^ seed) >> 27;
                        *sample = (wave + noise * 4 + 40) as u8;
                    }
                }
            }
            frame
        })
        .collect()
}

fn report_names(request: &FeatureRequest, format: &FrameFormat) -> Vec<String> {
    request
        .active_outputs(format)
        .iter()
        .map(|o| request.output_name(o))
        .collect()
}

/// Checks a spatial metric: `names` are the request's report names and, frame by frame,
/// the built extractor writes what `kernel` computes for the same pair.
pub(crate) fn check_outputs<K>(request: &FeatureRequest, names: &[&str], mut kernel: K)
where
    K: FnMut(&FrameView<'_>, &FrameView<'_>, &FrameFormat) -> Vec<f64>,
{
    let format = test_format();
    assert_eq!(report_names(request, &format), names);
    let Extractor::Spatial(mut extractor) = request
        .build(&format, &Devices::Cpu)
        .expect("the extractor builds")
    else {
        panic!("{} is spatial", request.metric().name);
    };
    let references = test_frames(&format, 1);
    let distorted = test_frames(&format, 2);
    for (r, d) in references.iter().zip(&distorted) {
        let mut out = vec![f64::NAN; names.len()];
        extractor
            .extract(&r.view(), &d.view(), &mut out)
            .expect("the pair scores");
        let want = kernel(&r.view(), &d.view(), &format);
        assert_eq!(bits(&out), bits(&want), "{names:?}");
    }
}

/// Checks a temporal metric: `names` are the request's report names and the built
/// extractor's values, frame by frame and after the flush, are `kernel`'s for the same
/// reference frames (`kernel` gets all of them and returns one row per frame).
pub(crate) fn check_temporal_outputs<K>(request: &FeatureRequest, names: &[&str], kernel: K)
where
    K: FnOnce(&[Frame], &FrameFormat) -> Vec<Vec<f64>>,
{
    let format = test_format();
    assert_eq!(report_names(request, &format), names);
    let Extractor::Temporal(mut extractor) = request
        .build(&format, &Devices::Cpu)
        .expect("the extractor builds")
    else {
        panic!("{} is temporal", request.metric().name);
    };
    let references = test_frames(&format, 1);
    let distorted = test_frames(&format, 2);
    let mut rows = vec![Vec::new(); FRAMES];
    let mut store = |values: crate::feature::descriptor::TemporalValues| {
        assert_eq!(values.values.len(), names.len(), "{names:?}");
        rows[values.frame as usize] = values.values;
    };
    for (r, d) in references.iter().zip(&distorted) {
        for values in extractor.push(&r.view(), &d.view()).expect("frames score") {
            store(values);
        }
    }
    while let Some(values) = extractor.flush().expect("the flush scores") {
        store(values);
    }
    let want = kernel(&references, &format);
    let flat = |rows: &[Vec<f64>]| bits(&rows.concat());
    assert_eq!(flat(&rows), flat(&want), "{names:?}");
}

/// Values compared bit for bit, so that NaN equals NaN and nothing is rounded away.
fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}
