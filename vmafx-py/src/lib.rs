//! `vmafx._native`: the Rust half of the `vmafx` Python package.
//!
//! The Python package (`python/vmafx/`) wraps these classes and functions with the
//! documented API; everything here is private to it. Long work (reading files, scoring,
//! writing reports) runs with the GIL released, so other Python threads keep running.
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod catalogue;
mod errors;
mod options;
mod planes;
mod report;
mod score;
mod stream;

use pyo3::prelude::*;

/// The extension module: its functions and classes.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("LIBRARY_VERSION", vmafx::VERSION)?;
    module.add("MAX_THREADS", vmafx::MAX_THREADS)?;
    module.add_function(wrap_pyfunction!(catalogue::models, module)?)?;
    module.add_function(wrap_pyfunction!(catalogue::features, module)?)?;
    module.add_function(wrap_pyfunction!(catalogue::backends, module)?)?;
    module.add_function(wrap_pyfunction!(score::score, module)?)?;
    module.add_class::<report::NativeReport>()?;
    module.add_class::<stream::NativeScorer>()?;
    Ok(())
}
