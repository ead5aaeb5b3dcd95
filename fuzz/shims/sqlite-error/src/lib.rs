//! The one item of rusqlite that vmafx-server's error module names: its error type.

/// A job-store error; the parsing code under fuzz never produces one.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}
