//! Status codes every fallible call returns, and how library errors map onto them.

use std::ffi::c_char;

/// The outcome of a call: `VMAFX_STATUS_OK` (0) or a negative error code.
///
/// After an error, `vmafx_last_error()` describes it in words.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmafxStatus {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullPointer = -1,
    /// An argument or option is out of range or malformed: an unknown enum value, a wrong
    /// `struct_size`, a bad frame geometry or stride, a string that is not UTF-8.
    InvalidArgument = -2,
    /// A file could not be opened, read or written.
    Io = -3,
    /// A video input is malformed or truncated.
    InvalidInput = -4,
    /// The reference and distorted inputs cannot be compared (format or length differ).
    Mismatch = -5,
    /// A model is unknown, unreadable or invalid.
    Model = -6,
    /// A feature name or feature option is unknown or invalid.
    Feature = -7,
    /// Scoring ended without a single frame.
    NoFrames = -8,
    /// The requested compute backend is not available in this build.
    BackendUnavailable = -9,
    /// A metric name or frame number is not in the report or stream.
    NotFound = -10,
    /// The call is not valid in the object's current state (e.g. pushing after finish).
    InvalidState = -11,
    /// An internal error; please report it. The object involved must not be used again,
    /// except to free it.
    Internal = -12,
}

/// An error on its way to the C caller: a status plus the message for
/// `vmafx_last_error()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FfiError {
    pub(crate) status: VmafxStatus,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(status: VmafxStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(argument: &str) -> Self {
        Self::new(
            VmafxStatus::NullPointer,
            format!("{argument} must not be NULL"),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(VmafxStatus::InvalidArgument, message)
    }
}

impl From<vmafx::Error> for FfiError {
    fn from(error: vmafx::Error) -> Self {
        use vmafx::Error as E;
        let status = match &error {
            E::Io { .. } => VmafxStatus::Io,
            E::Y4m(_) | E::Truncated { .. } | E::InvalidInput(_) | E::Decode { .. } => {
                VmafxStatus::InvalidInput
            }
            E::DecoderMissing { .. } => VmafxStatus::Io,
            E::Mismatch(_) => VmafxStatus::Mismatch,
            E::Model { .. } | E::UnknownModel(..) | E::ModelFile { .. } => VmafxStatus::Model,
            E::Feature(_) | E::UnknownOption { .. } | E::OptionValue { .. } => VmafxStatus::Feature,
            E::NoFrames => VmafxStatus::NoFrames,
            E::InvalidOption(_) => VmafxStatus::InvalidArgument,
            _ => VmafxStatus::Internal,
        };
        Self::new(status, error.to_string())
    }
}

/// All codes with their descriptions, NUL-terminated for C.
const DESCRIPTIONS: [(VmafxStatus, &str); 13] = [
    (VmafxStatus::Ok, "success\0"),
    (VmafxStatus::NullPointer, "a required pointer was NULL\0"),
    (VmafxStatus::InvalidArgument, "invalid argument\0"),
    (VmafxStatus::Io, "input/output error\0"),
    (
        VmafxStatus::InvalidInput,
        "invalid or truncated video input\0",
    ),
    (
        VmafxStatus::Mismatch,
        "reference and distorted inputs differ\0",
    ),
    (VmafxStatus::Model, "invalid or unknown model\0"),
    (VmafxStatus::Feature, "invalid or unknown feature\0"),
    (VmafxStatus::NoFrames, "no frames were scored\0"),
    (
        VmafxStatus::BackendUnavailable,
        "backend not available in this build\0",
    ),
    (VmafxStatus::NotFound, "no such metric or frame\0"),
    (
        VmafxStatus::InvalidState,
        "call not valid in the current state\0",
    ),
    (VmafxStatus::Internal, "internal error\0"),
];

const UNKNOWN_STATUS: &str = "unknown status code\0";

/// A short, static English description of a status code.
///
/// Takes the code as a plain integer so that any value is safe to pass; codes this
/// library does not define give "unknown status code". Never returns NULL; the string is
/// static and must not be freed.
#[no_mangle]
pub extern "C" fn vmafx_status_str(status: i32) -> *const c_char {
    let text = DESCRIPTIONS
        .iter()
        .find(|(code, _)| *code as i32 == status)
        .map_or(UNKNOWN_STATUS, |(_, text)| text);
    text.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn describe(status: i32) -> String {
        // SAFETY: vmafx_status_str returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(vmafx_status_str(status)) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn every_code_has_its_own_description() {
        let texts: Vec<String> = (-12..=0).map(describe).collect();
        for (i, text) in texts.iter().enumerate() {
            assert_ne!(text, "unknown status code");
            assert!(!texts[..i].contains(text), "{text} repeats");
        }
        assert_eq!(describe(1), "unknown status code");
        assert_eq!(describe(-13), "unknown status code");
        assert_eq!(describe(i32::MIN), "unknown status code");
    }

    #[test]
    fn library_errors_map_to_codes() {
        let status = |e: vmafx::Error| FfiError::from(e).status;
        assert_eq!(status(vmafx::Error::NoFrames), VmafxStatus::NoFrames);
        assert_eq!(
            status(vmafx::Error::Y4m("x".into())),
            VmafxStatus::InvalidInput
        );
        assert_eq!(
            status(vmafx::Error::UnknownModel("a".into(), "b".into())),
            VmafxStatus::Model
        );
        assert_eq!(
            status(vmafx::Error::InvalidOption("x".into())),
            VmafxStatus::InvalidArgument
        );
    }
}
