//! nu-SVR with an RBF kernel through libsvm (Debian's `libsvm3`, opened at run time), the
//! solver libvmaf's own training toolkit uses (through libsvm's Python binding).
//!
//! A trained model lives as libsvm's model text, exactly what a VMAF model file embeds
//! under `model`, and is predicted from that text: the numbers a model file carries are
//! the numbers every prediction here uses.

mod ffi;

use std::ffi::{CStr, CString};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The solver's settings for one nu-SVR fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvrParams {
    /// The cost `C`.
    pub c: f64,
    /// `nu`, in (0, 1]: bounds the fraction of support vectors and of errors.
    pub nu: f64,
    /// The RBF kernel's `gamma` in `exp(-gamma * |x - y|^2)`.
    pub gamma: f64,
}

impl Default for SvrParams {
    /// vmaf_v0.6.1's settings: C = 4, nu = 0.9, gamma = 0.04.
    fn default() -> Self {
        SvrParams {
            c: 4.0,
            nu: 0.9,
            gamma: 0.04,
        }
    }
}

/// A fitted nu-SVR: libsvm's model text and the model libsvm loaded from it.
pub struct SvrModel {
    text: String,
    model: *mut ffi::SvmModel,
    api: &'static ffi::Api,
}

/// Whether libsvm can be loaded (see [`SvrModel::train`]); the error says why not.
pub fn available() -> Result<()> {
    ffi::api().map(|_| ()).map_err(Error::Svm)
}

// libsvm only reads a loaded model while predicting.
unsafe impl Send for SvrModel {}
unsafe impl Sync for SvrModel {}

/// `svm_save_model` and `svm_load_model` switch the process's C locale while they run,
/// which is not safe with other threads doing the same.
static FILE_LOCK: Mutex<()> = Mutex::new(());
static SCRATCH_COUNTER: AtomicU64 = AtomicU64::new(0);

impl SvrModel {
    /// Fits a nu-SVR on `samples` (one row of normalised features each) against
    /// `targets`.
    pub fn train(samples: &[Vec<f64>], targets: &[f64], params: SvrParams) -> Result<SvrModel> {
        if samples.len() != targets.len() {
            return Err(Error::Training(format!(
                "{} samples for {} targets",
                samples.len(),
                targets.len()
            )));
        }
        if samples.is_empty() {
            return Err(Error::Training("no samples".to_owned()));
        }
        check_params(params)?;
        let api = ffi::api().map_err(Error::Svm)?;
        let mut rows: Vec<Vec<ffi::SvmNode>> = samples.iter().map(|row| nodes(row)).collect();
        let mut row_pointers: Vec<*mut ffi::SvmNode> =
            rows.iter_mut().map(|row| row.as_mut_ptr()).collect();
        let mut y = targets.to_vec();
        let problem = ffi::SvmProblem {
            l: i32::try_from(samples.len())
                .map_err(|_| Error::Training("too many samples for libsvm".to_owned()))?,
            y: y.as_mut_ptr(),
            x: row_pointers.as_mut_ptr(),
        };
        let parameter = ffi::SvmParameter {
            svm_type: ffi::NU_SVR,
            kernel_type: ffi::RBF,
            degree: 3,
            gamma: params.gamma,
            coef0: 0.0,
            cache_size: 100.0,
            eps: 0.001,
            c: params.c,
            nr_weight: 0,
            weight_label: std::ptr::null_mut(),
            weight: std::ptr::null_mut(),
            nu: params.nu,
            p: 0.1,
            shrinking: 1,
            probability: 0,
        };
        // SAFETY: `problem` points into `y`, `row_pointers` and `rows`, which outlive
        // both calls; every node row ends with index -1.
        let refusal = unsafe { (api.check_parameter)(&problem, &parameter) };
        if !refusal.is_null() {
            // SAFETY: libsvm returns a static NUL-terminated message.
            let message = unsafe { CStr::from_ptr(refusal) };
            return Err(Error::Svm(message.to_string_lossy().into_owned()));
        }
        // SAFETY: as above. A model from svm_train points into the problem's rows, so
        // it is saved and destroyed before they go.
        let mut trained = unsafe { (api.train)(&problem, &parameter) };
        if trained.is_null() {
            return Err(Error::Svm("svm_train returned no model".to_owned()));
        }
        let text = save(api, trained);
        // SAFETY: `trained` came from svm_train and is destroyed once.
        unsafe { (api.free_and_destroy_model)(&mut trained) };
        drop(rows);
        SvrModel::from_text(&text?)
    }

    /// Loads libsvm model text (as `svm-train` writes it, or as a VMAF model file
    /// embeds it).
    pub fn from_text(text: &str) -> Result<SvrModel> {
        let api = ffi::api().map_err(Error::Svm)?;
        let scratch = Scratch::new()?;
        std::fs::write(&scratch.path, text)
            .map_err(|e| Error::io(format!("cannot write {}", scratch.path.display()), e))?;
        let name = scratch.c_path()?;
        let model = {
            let _guard = FILE_LOCK
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // SAFETY: `name` is a NUL-terminated path.
            unsafe { (api.load_model)(name.as_ptr()) }
        };
        if model.is_null() {
            return Err(Error::Svm("libsvm cannot read the model text".to_owned()));
        }
        Ok(SvrModel {
            text: text.to_owned(),
            model,
            api,
        })
    }

    /// libsvm's model text: header, `SV` and one line per support vector.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// libsvm's prediction for one row of normalised features.
    pub fn predict(&self, row: &[f64]) -> f64 {
        let nodes = nodes(row);
        // SAFETY: the model is live until drop; `nodes` ends with index -1.
        unsafe { (self.api.predict)(self.model, nodes.as_ptr()) }
    }
}

impl Drop for SvrModel {
    fn drop(&mut self) {
        // SAFETY: the model came from svm_load_model and is destroyed once.
        unsafe { (self.api.free_and_destroy_model)(&mut self.model) };
    }
}

impl std::fmt::Debug for SvrModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SvrModel")
            .field("bytes", &self.text.len())
            .finish()
    }
}

fn check_params(params: SvrParams) -> Result<()> {
    let SvrParams { c, nu, gamma } = params;
    if !(c.is_finite() && c > 0.0) {
        return Err(Error::Training(format!(
            "C must be a positive number, got {c}"
        )));
    }
    if !(nu > 0.0 && nu <= 1.0) {
        return Err(Error::Training(format!("nu must be in (0, 1], got {nu}")));
    }
    if !(gamma.is_finite() && gamma > 0.0) {
        return Err(Error::Training(format!(
            "gamma must be a positive number, got {gamma}"
        )));
    }
    Ok(())
}

/// A row as libsvm's sparse nodes, 1-based, zeros left out as `svm-scale` and libvmaf's
/// toolkit write them.
fn nodes(row: &[f64]) -> Vec<ffi::SvmNode> {
    let mut nodes: Vec<ffi::SvmNode> = row
        .iter()
        .enumerate()
        .filter(|(_, &value)| value != 0.0)
        .map(|(i, &value)| ffi::SvmNode {
            index: i as i32 + 1,
            value,
        })
        .collect();
    nodes.push(ffi::SvmNode {
        index: -1,
        value: 0.0,
    });
    nodes
}

/// Saves a model through libsvm and reads its text back.
fn save(api: &ffi::Api, model: *const ffi::SvmModel) -> Result<String> {
    let scratch = Scratch::new()?;
    let name = scratch.c_path()?;
    let status = {
        let _guard = FILE_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // SAFETY: `model` is live and `name` a NUL-terminated path.
        unsafe { (api.save_model)(name.as_ptr(), model) }
    };
    if status != 0 {
        return Err(Error::Svm(format!(
            "cannot save the model to {}",
            scratch.path.display()
        )));
    }
    std::fs::read_to_string(&scratch.path)
        .map_err(|e| Error::io(format!("cannot read {}", scratch.path.display()), e))
}

/// A temporary file for libsvm's file-only model I/O, removed on drop.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> Result<Scratch> {
        let n = SCRATCH_COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("vmafx-train-{}-{n}.libsvm", std::process::id()));
        Ok(Scratch { path })
    }

    fn c_path(&self) -> Result<CString> {
        CString::new(self.path.as_os_str().as_encoded_bytes())
            .map_err(|_| Error::Svm(format!("unusable path {}", self.path.display())))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// For tests: whether libsvm is there; its absence fails when `VMAFX_REQUIRE_LIBSVM=1`
/// (as in CI) and otherwise skips, saying why.
#[cfg(test)]
pub(crate) fn present_for_tests() -> bool {
    match available() {
        Ok(()) => true,
        Err(error) => {
            assert!(
                std::env::var("VMAFX_REQUIRE_LIBSVM").as_deref() != Ok("1"),
                "{error}"
            );
            eprintln!("skipped: {error}");
            false
        }
    }
}

#[cfg(test)]
mod tests;
