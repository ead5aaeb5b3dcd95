//! `NativeScorer`: scoring frames the caller holds as numpy planes, one pair at a time.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, TryLockError};

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use vmafx::{ChromaSubsampling, FrameFormat, FrameRecord, Scorer};

use crate::errors::{error, invalid, IntoPyResult, Kind};
use crate::options::RunOptions;
use crate::planes;
use crate::report::NativeReport;

/// A scorer fed with frames from Python. Safe to share between threads: one call at a
/// time uses it, and a second call meanwhile fails instead of waiting.
#[pyclass(frozen, module = "vmafx._native")]
pub(crate) struct NativeScorer {
    state: Mutex<State>,
    format: FrameFormat,
    metrics: Vec<String>,
}

struct State {
    /// `None` once finished or closed.
    scorer: Option<Scorer>,
    /// Completed frames not yet taken by Python.
    ready: VecDeque<FrameRecord>,
    /// Frames moved from the scorer to `ready` so far.
    collected: usize,
}

impl State {
    fn scorer(&mut self) -> PyResult<&mut Scorer> {
        self.scorer.as_mut().ok_or_else(|| {
            error(
                Kind::InvalidState,
                "the scorer is finished or closed; no more frames can be pushed",
            )
        })
    }

    fn collect_new_records(&mut self) {
        if let Some(scorer) = &mut self.scorer {
            let records = scorer.new_records();
            self.collected += records.len();
            self.ready.extend(records.iter().cloned());
        }
    }
}

impl NativeScorer {
    fn lock(&self) -> PyResult<MutexGuard<'_, State>> {
        self.state.try_lock().map_err(|e| match e {
            TryLockError::WouldBlock => error(
                Kind::InvalidState,
                "the scorer is in use by another thread; one call at a time",
            ),
            TryLockError::Poisoned(_) => error(
                Kind::InvalidState,
                "an earlier internal error left the scorer unusable",
            ),
        })
    }
}

#[pymethods]
impl NativeScorer {
    #[new]
    #[pyo3(signature = (
        width, height, pixel_format, bit_depth, *, models, features, threads, backend,
        subsample
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        width: usize,
        height: usize,
        pixel_format: &str,
        bit_depth: u8,
        models: Option<Vec<String>>,
        features: Vec<String>,
        threads: usize,
        backend: Option<String>,
        subsample: u64,
    ) -> PyResult<Self> {
        let chroma: ChromaSubsampling = pixel_format.parse().map_err(|e: vmafx::Error| {
            invalid(
                e.to_string()
                    .trim_start_matches("invalid input: ")
                    .to_string(),
            )
        })?;
        let format = FrameFormat::new(width, height, chroma, bit_depth)
            .map_err(|e| invalid(e.to_string()))?;
        let options = RunOptions {
            models,
            features,
            threads,
            backend,
            subsample,
        };
        let builder = options.builder()?;
        // Here the geometry is an argument, not a file: a size the features cannot take
        // is a bad argument.
        let scorer = py.detach(|| builder.build(format)).map_err(|e| match e {
            vmafx::Error::InvalidInput(m) => invalid(m),
            other => crate::errors::from_library(other),
        })?;
        Ok(Self {
            metrics: scorer.metrics().to_vec(),
            format,
            state: Mutex::new(State {
                scorer: Some(scorer),
                ready: VecDeque::new(),
                collected: 0,
            }),
        })
    }

    /// Metric names in report order.
    #[getter]
    fn metrics(&self) -> Vec<String> {
        self.metrics.clone()
    }

    /// (width, height, pixel format, bit depth) of the frames this scorer takes.
    #[getter]
    fn format(&self) -> (usize, usize, &'static str, u8) {
        (
            self.format.width(),
            self.format.height(),
            self.format.chroma().name(),
            self.format.bit_depth(),
        )
    }

    /// Whether `finish()` or `close()` was called.
    #[getter]
    fn closed(&self) -> PyResult<bool> {
        Ok(self.lock()?.scorer.is_none())
    }

    /// Frames pushed so far.
    #[getter]
    fn frames_pushed(&self) -> PyResult<u64> {
        let state = self.lock()?;
        Ok(state.scorer.as_ref().map_or(0, Scorer::frames_pushed))
    }

    /// The backend and device, e.g. `cpu (avx2, 4 threads)`.
    #[getter]
    fn backend(&self) -> PyResult<Option<String>> {
        let state = self.lock()?;
        Ok(state.scorer.as_ref().map(Scorer::backend_description))
    }

    /// Scores one pair; each side is a tuple of planes (Y, then U and V).
    fn push(
        &self,
        py: Python<'_>,
        reference: &Bound<'_, PyTuple>,
        distorted: &Bound<'_, PyTuple>,
    ) -> PyResult<()> {
        let mut state = self.lock()?;
        state.scorer()?;
        // SAFETY: the tuples hold numpy arrays (the Python layer makes sure), which keep
        // their memory alive while this call holds the tuples; the caller must not write
        // the planes during the call.
        let (reference, distorted) = unsafe {
            (
                planes::frame_view(reference, &self.format, "reference")?,
                planes::frame_view(distorted, &self.format, "distorted")?,
            )
        };
        let scorer = state.scorer()?;
        py.detach(|| scorer.push(&reference, &distorted)).py_err()?;
        state.collect_new_records();
        Ok(())
    }

    /// Takes the completed frames not taken yet: (index, values in metric order).
    fn take_ready(&self) -> PyResult<Vec<(u64, Vec<f64>)>> {
        let mut state = self.lock()?;
        Ok(state.ready.drain(..).map(|r| (r.index, r.values)).collect())
    }

    /// Scores what is still buffered and returns the report; the frames it completes
    /// join the ready ones.
    fn finish(&self, py: Python<'_>) -> PyResult<NativeReport> {
        let mut state = self.lock()?;
        state.scorer()?;
        let scorer = state.scorer.take();
        let report = py
            .detach(|| scorer.map(Scorer::finish))
            .ok_or_else(|| error(Kind::InvalidState, "the scorer is already finished"))?
            .py_err()?;
        let late = report.frames.get(state.collected..).unwrap_or_default();
        state.ready.extend(late.iter().cloned());
        state.collected = report.frames.len();
        Ok(NativeReport::new(report, None))
    }

    /// Drops the scorer without a report; later pushes fail. Closing twice is fine.
    fn close(&self) -> PyResult<()> {
        self.lock()?.scorer = None;
        Ok(())
    }
}
