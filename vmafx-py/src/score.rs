//! `score()`: a reference/distorted pair of files in, a report out.

use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use vmafx::io::InputKind;
use vmafx::{ChromaSubsampling, FrameFormat, ScoreJob};

use crate::errors::{error, invalid, IntoPyResult, Kind};
use crate::options::RunOptions;
use crate::report::NativeReport;

/// Scores `distorted` against `reference` with the GIL released. Between frames the
/// run briefly takes the GIL to let Python deliver signals: Ctrl-C stops it with
/// `KeyboardInterrupt`.
#[pyfunction]
#[pyo3(signature = (
    reference, distorted, *, models, features, threads, backend, subsample, width, height,
    pixel_format, bit_depth, skip_reference, skip_distorted, max_frames,
    allow_length_mismatch
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn score(
    py: Python<'_>,
    reference: PathBuf,
    distorted: PathBuf,
    models: Option<Vec<String>>,
    features: Vec<String>,
    threads: usize,
    backend: Option<String>,
    subsample: u64,
    width: Option<usize>,
    height: Option<usize>,
    pixel_format: Option<String>,
    bit_depth: Option<u8>,
    skip_reference: u64,
    skip_distorted: u64,
    max_frames: Option<u64>,
    allow_length_mismatch: bool,
) -> PyResult<NativeReport> {
    let options = RunOptions {
        models,
        features,
        threads,
        backend,
        subsample,
    };
    let builder = options.builder()?;
    let raw = RawGeometry {
        width,
        height,
        pixel_format,
        bit_depth,
    };
    let input = input_kind(&reference, &raw)?;
    let job = ScoreJob {
        skip_reference,
        skip_distorted,
        max_frames: max_frames.filter(|&n| n > 0),
        require_equal_length: !allow_length_mismatch,
        ..ScoreJob::new(reference, distorted, input)
    };
    let mut interrupted = None;
    let outcome = py.detach(|| {
        job.run_until(builder, |_| {
            Python::attach(|py| match py.check_signals() {
                Ok(()) => true,
                Err(signal) => {
                    interrupted = Some(signal);
                    false
                }
            })
        })
    });
    match (outcome, interrupted) {
        (Ok(outcome), _) => Ok(NativeReport::new(outcome.report, outcome.length_mismatch)),
        (Err(vmafx::Error::Cancelled(_)), Some(signal)) => Err(signal),
        (Err(e), _) => Err(e).py_err(),
    }
}

/// Whether the path names a raw `.yuv` file, which only a given geometry can describe.
fn is_yuv_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("yuv"))
}

/// The geometry of raw `.yuv` input, as given.
struct RawGeometry {
    width: Option<usize>,
    height: Option<usize>,
    pixel_format: Option<String>,
    bit_depth: Option<u8>,
}

/// How to read the inputs, decided as the CLI decides it: raw YUV when any geometry is
/// given (a `.yuv` file needs one), otherwise by content: Y4M natively, anything else
/// through the library's ffmpeg decoder.
fn input_kind(reference: &Path, raw: &RawGeometry) -> PyResult<InputKind> {
    let given = raw.width.is_some() || raw.height.is_some() || raw.pixel_format.is_some();
    if !given && !is_yuv_path(reference) {
        return Ok(InputKind::Auto);
    }
    let (Some(width), Some(height), Some(pixel_format)) =
        (raw.width, raw.height, raw.pixel_format.as_deref())
    else {
        return Err(invalid(format!(
            "{} is raw YUV, which needs width, height and pixel_format (and \
             bit_depth above 8)",
            reference.display()
        )));
    };
    let chroma: ChromaSubsampling = pixel_format.parse().map_err(|e: vmafx::Error| {
        invalid(
            e.to_string()
                .trim_start_matches("invalid input: ")
                .to_string(),
        )
    })?;
    let format = FrameFormat::new(width, height, chroma, raw.bit_depth.unwrap_or(8))
        .map_err(|e| error(Kind::InvalidArgument, e.to_string()))?;
    Ok(InputKind::Raw(format))
}
