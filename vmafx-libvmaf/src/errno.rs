//! libvmaf's return codes (negative errno values) and the guard every entry point runs
//! in, which turns errors and panics into them.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::log;

/// `-EINVAL`: a bad argument, misuse, or anything libvmaf reports as invalid.
pub(crate) const EINVAL: i32 = -22;
/// `-ENOMEM`: an allocation failed.
pub(crate) const ENOMEM: i32 = -12;

/// A failed call: the code it returns and a message for the log.
#[derive(Debug)]
pub(crate) struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: EINVAL,
            message: message.into(),
        }
    }

    pub fn null(what: &str) -> Self {
        Self::invalid(format!("{what} is NULL"))
    }

    pub fn no_memory(message: impl Into<String>) -> Self {
        Self {
            code: ENOMEM,
            message: message.into(),
        }
    }
}

impl From<vmafx::Error> for Failure {
    fn from(error: vmafx::Error) -> Self {
        // libvmaf reports every refused input, option, model or file as -EINVAL.
        Self::invalid(error.to_string())
    }
}

/// The result of an entry point's body.
pub(crate) type Outcome<T = ()> = Result<T, Failure>;

/// Runs an entry point's body: logs a failure and returns its code, or 0; a panic
/// becomes `-EINVAL`.
pub(crate) fn guard(body: impl FnOnce() -> Outcome) -> i32 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => 0,
        Ok(Err(failure)) => {
            log::error(&failure.message);
            failure.code
        }
        Err(_) => {
            log::error("internal error");
            EINVAL
        }
    }
}
