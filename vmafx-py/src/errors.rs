//! Library errors as Python exceptions.
//!
//! The exception classes live in `vmafx._errors` (Python), where they can derive from
//! both `VmafxError` and the matching built-in (`OSError`, `ValueError`, ...); this
//! module picks the class for each kind of `vmafx::Error`, as the C API picks a status.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// The `vmafx._errors` classes, by the kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A file could not be opened, read or written (`VmafxIOError`, an `OSError`).
    Io,
    /// A malformed or truncated video (`InvalidInputError`).
    InvalidInput,
    /// Reference and distorted inputs differ in format or length (`MismatchError`).
    Mismatch,
    /// An unknown, unreadable or invalid model (`ModelError`).
    Model,
    /// An unknown feature or a bad feature option (`FeatureError`).
    Feature,
    /// Scoring ended without a frame (`NoFramesError`).
    NoFrames,
    /// Compressed input needs ffmpeg, which cannot be found (`DecoderMissingError`).
    DecoderMissing,
    /// The backend asked for cannot run here (`BackendUnavailableError`).
    Backend,
    /// The run was stopped (`CancelledError`).
    Cancelled,
    /// A bad argument: an option out of range, a plane of the wrong shape or type
    /// (`InvalidArgumentError`, a `ValueError`).
    InvalidArgument,
    /// A call the object's state does not allow, such as pushing after `finish()`
    /// (`InvalidStateError`).
    InvalidState,
    /// Anything else (`InternalError`).
    Internal,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Self::Io => "VmafxIOError",
            Self::InvalidInput => "InvalidInputError",
            Self::Mismatch => "MismatchError",
            Self::Model => "ModelError",
            Self::Feature => "FeatureError",
            Self::NoFrames => "NoFramesError",
            Self::DecoderMissing => "DecoderMissingError",
            Self::Backend => "BackendUnavailableError",
            Self::Cancelled => "CancelledError",
            Self::InvalidArgument => "InvalidArgumentError",
            Self::InvalidState => "InvalidStateError",
            Self::Internal => "InternalError",
        }
    }

    /// The kind of a library error.
    pub(crate) fn of(error: &vmafx::Error) -> Self {
        use vmafx::Error as E;
        match error {
            E::Io { .. } => Self::Io,
            E::Y4m(_) | E::Truncated { .. } | E::InvalidInput(_) | E::Decode { .. } => {
                Self::InvalidInput
            }
            E::DecoderMissing { .. } => Self::DecoderMissing,
            E::Mismatch(_) => Self::Mismatch,
            E::Model { .. } | E::UnknownModel(..) | E::ModelFile { .. } => Self::Model,
            E::Feature(_) | E::UnknownOption { .. } | E::OptionValue { .. } => Self::Feature,
            E::NoFrames => Self::NoFrames,
            E::Backend(_) => Self::Backend,
            E::Cancelled(_) => Self::Cancelled,
            E::InvalidOption(_) => Self::InvalidArgument,
            _ => Self::Internal,
        }
    }
}

/// An error of `kind` with `message`, not yet raised.
pub(crate) fn error(kind: Kind, message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| {
        let class = py
            .import("vmafx._errors")
            .and_then(|module| module.getattr(kind.class_name()))
            .and_then(|class| class.cast_into::<PyType>().map_err(PyErr::from));
        match class {
            Ok(class) => PyErr::from_type(class, message),
            // Only a broken installation lacks the module; say so with the message.
            Err(missing) => {
                PyRuntimeError::new_err(format!("{message} (vmafx._errors: {missing})"))
            }
        }
    })
}

/// A bad argument (`InvalidArgumentError`, a `ValueError`).
pub(crate) fn invalid(message: impl Into<String>) -> PyErr {
    error(Kind::InvalidArgument, message)
}

/// A library error as the matching Python exception.
pub(crate) fn from_library(error_value: vmafx::Error) -> PyErr {
    error(Kind::of(&error_value), error_value.to_string())
}

/// `?`-friendly conversion of library results.
pub(crate) trait IntoPyResult<T> {
    /// The result with its error turned into a Python exception.
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for vmafx::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(from_library)
    }
}
