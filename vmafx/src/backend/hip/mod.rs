//! The HIP compute backend (work in progress: finds no device yet).

use std::sync::Arc;

use super::compute::ComputeDevice;
use crate::error::{Error, Result};

/// Names of the usable devices, or why there are none.
pub fn devices() -> std::result::Result<Vec<String>, String> {
    Err("hip: backend not finished".to_string())
}

/// Opens device `ordinal` (in the order of [`devices`]).
pub fn open(ordinal: usize) -> Result<Arc<dyn ComputeDevice>> {
    Err(Error::Backend(format!(
        "hip: cannot open device {ordinal}: backend not finished"
    )))
}
