//! The operator's errors.

/// Everything that can go wrong in the operator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A call to the Kubernetes API failed.
    #[error("kubernetes API: {0}")]
    Kube(#[from] kube::Error),
    /// The API server could not be reached or configured.
    #[error("cannot reach the Kubernetes API server: {0}")]
    Unreachable(String),
    /// A setting from the environment is malformed.
    #[error("configuration: {0}")]
    Config(String),
    /// A resource's spec breaks a rule the schema cannot express.
    #[error("invalid spec: {0}")]
    InvalidSpec(String),
    /// Producing YAML or JSON failed.
    #[error("serialize: {0}")]
    Serialize(String),
    /// A listener or file could not be opened.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// TLS material is missing or malformed.
    #[error("tls: {0}")]
    Tls(String),
}

/// The operator's result type.
pub type Result<T> = std::result::Result<T, Error>;
