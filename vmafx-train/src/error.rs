//! The error type of the trainer.

use std::path::PathBuf;

/// Everything that can go wrong while reading a dataset, extracting features, training
/// or evaluating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error, with what was being done.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, usually naming the file.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A dataset file that cannot be used; `path` is the dataset file.
    #[error("dataset {path}: {reason}")]
    Dataset {
        /// The dataset file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A pair of the dataset that the library could not score.
    #[error("pair {index} ({reference} vs {distorted}): {source}")]
    Pair {
        /// Zero-based index of the pair in the dataset.
        index: usize,
        /// The reference file.
        reference: PathBuf,
        /// The distorted file.
        distorted: PathBuf,
        /// The library's error.
        #[source]
        source: Box<vmafx::Error>,
    },
    /// An error of the VMAF library outside a pair (model loading, options).
    #[error(transparent)]
    Vmafx(Box<vmafx::Error>),
    /// Training data or settings that cannot produce a model.
    #[error("cannot train: {0}")]
    Training(String),
    /// libsvm refused the parameters or failed.
    #[error("libsvm: {0}")]
    Svm(String),
    /// Predictions that cannot be evaluated (too few, constant).
    #[error("cannot evaluate: {0}")]
    Evaluation(String),
    /// A plot that could not be written.
    #[error("plot {path}: {reason}")]
    Plot {
        /// The image file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

impl From<vmafx::Error> for Error {
    fn from(error: vmafx::Error) -> Self {
        Error::Vmafx(Box::new(error))
    }
}

impl Error {
    /// An I/O error with its context.
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// The trainer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
