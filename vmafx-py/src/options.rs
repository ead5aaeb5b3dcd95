//! The scoring options `score()` and `Scorer` share, checked and turned into the core
//! library's builder the way the CLI and the C API do it.

use pyo3::prelude::*;
use vmafx::{BackendKind, ReportOrder, ScorerBuilder};

use crate::errors::{error, invalid, IntoPyResult, Kind};

/// The model scored when the caller names none, as libvmaf's CLI does.
pub(crate) const DEFAULT_MODEL: &str = "vmaf_v0.6.1";

/// What to compute and how, as passed from Python.
pub(crate) struct RunOptions {
    /// Model strings; `None` means the default model, an empty list no prediction.
    pub(crate) models: Option<Vec<String>>,
    /// Features in libvmaf's `--feature` syntax.
    pub(crate) features: Vec<String>,
    /// Worker threads; 0 means one per core.
    pub(crate) threads: usize,
    /// Backend name; `None` lets `VMAFX_BACKEND` decide.
    pub(crate) backend: Option<String>,
    /// Score every `subsample`-th frame.
    pub(crate) subsample: u64,
}

impl RunOptions {
    /// The configured scorer builder, or the exception the options deserve.
    pub(crate) fn builder(&self) -> PyResult<ScorerBuilder> {
        if self.threads > vmafx::MAX_THREADS {
            return Err(invalid(format!(
                "threads is {}, more than {}",
                self.threads,
                vmafx::MAX_THREADS
            )));
        }
        if self.subsample == 0 {
            return Err(invalid("subsample must be at least 1"));
        }
        // libvmaf lists metrics in another order when it runs a thread pool
        // (`--threads N`, N >= 1); 0, "one per core", keeps its serial order, as in the CLI.
        let order = if self.threads >= 1 {
            ReportOrder::Threaded
        } else {
            ReportOrder::Serial
        };
        let mut builder = ScorerBuilder::new()
            .threads(self.threads)
            .subsample(self.subsample)
            .report_order(order);
        if let Some(name) = self.backend.as_deref().filter(|n| !n.is_empty()) {
            builder = builder.backend(check_backend(name)?);
        }
        let default_model = [DEFAULT_MODEL.to_string()];
        let models = self.models.as_deref().unwrap_or(&default_model);
        for spec in models {
            let (name, model) = vmafx::model::load_spec(spec).py_err()?;
            builder = builder.named_model(name, model);
        }
        if models.is_empty() && self.features.is_empty() {
            return Err(invalid(
                "models=[] computes no model score; name at least one feature",
            ));
        }
        for spec in &self.features {
            builder = builder.feature_spec(spec).map_err(|e| match e {
                vmafx::Error::InvalidOption(m) => error(Kind::Feature, m),
                other => crate::errors::from_library(other),
            })?;
        }
        Ok(builder)
    }
}

/// The backend a name asks for, refused at once when it cannot start here.
fn check_backend(name: &str) -> PyResult<BackendKind> {
    let unavailable = |e: vmafx::Error| error(Kind::Backend, e.to_string());
    let kind: BackendKind = name.parse().map_err(unavailable)?;
    vmafx::backend::resolve(kind).map_err(unavailable)?;
    Ok(kind)
}
