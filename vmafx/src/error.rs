//! The error type of the library.

use std::path::PathBuf;

/// Everything that can go wrong while reading, scoring or reporting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An operating-system I/O error, with the path involved when there is one.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, usually naming the file.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A Y4M stream whose header or frame markers cannot be understood.
    #[error("invalid Y4M input: {0}")]
    Y4m(String),
    /// An input that ended in the middle of a frame.
    #[error("truncated input: frame {frame} ends after {got} of {expected} bytes")]
    Truncated {
        /// Zero-based index of the incomplete frame.
        frame: u64,
        /// Bytes read for that frame.
        got: usize,
        /// Bytes a whole frame needs.
        expected: usize,
    },
    /// Frame geometry, format or parameters that are invalid or unsupported.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Reference and distorted inputs that cannot be compared.
    #[error("reference and distorted inputs differ: {0}")]
    Mismatch(String),
    /// Compressed input that needs ffmpeg, which cannot be found or started.
    #[error(
        "{input} is neither Y4M nor raw YUV, and decoding it needs ffmpeg: {reason}; install \
         ffmpeg (Debian/Ubuntu: `apt install ffmpeg`) or set VMAFX_FFMPEG to its path"
    )]
    DecoderMissing {
        /// The input that needed decoding.
        input: String,
        /// Why no decoder could be used.
        reason: String,
    },
    /// ffmpeg failed on an input; the message is ffmpeg's own (bounded) complaint.
    #[error("ffmpeg could not decode {input}: {message}")]
    Decode {
        /// The input being decoded.
        input: String,
        /// What ffmpeg said, or how it ended.
        message: String,
    },
    /// A model file that cannot be parsed or used.
    #[error("invalid model {name}: {reason}")]
    Model {
        /// The model's name or path.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A model name that is not built in.
    #[error("unknown built-in model {0:?} (known: {1})")]
    UnknownModel(String, String),
    /// A feature name or option that is not known.
    #[error("invalid feature: {0}")]
    Feature(String),
    /// A model file path that could not be read.
    #[error("cannot read model file {path}: {source}")]
    ModelFile {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Scoring finished without a single frame.
    #[error("no frames were scored")]
    NoFrames,
    /// A backend that is unknown or cannot start here, with the reason.
    #[error("backend unavailable: {0}")]
    Backend(String),
    /// The caller stopped the run before it finished.
    #[error("scoring was cancelled after {0} frames")]
    Cancelled(u64),
    /// An option value outside its valid range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// A feature option the metric does not have.
    #[error("feature {feature} has no option {option:?} (its options: {known})")]
    UnknownOption {
        /// The metric, by libvmaf's extractor name.
        feature: String,
        /// The option as given.
        option: String,
        /// The options the metric has, comma-separated.
        known: String,
    },
    /// A feature option given a value it cannot take.
    #[error("option {option} of feature {feature}: {reason}")]
    OptionValue {
        /// The metric, by libvmaf's extractor name.
        feature: String,
        /// The option's name.
        option: String,
        /// What is wrong with the value.
        reason: String,
    },
}

impl Error {
    /// Wraps an I/O error with a description of what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
