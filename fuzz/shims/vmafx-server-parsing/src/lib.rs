//! vmafx-server's request-parsing modules, compiled by path from `vmafx-server/src`.
//!
//! Only the modules those parsers need are included; items the server uses elsewhere
//! are unused here.
#![allow(dead_code)]

#[path = "../../../../vmafx-server/src/control.rs"]
pub mod control;
#[path = "../../../../vmafx-server/src/errors.rs"]
pub mod errors;
#[path = "../../../../vmafx-server/src/media.rs"]
pub mod media;
#[path = "../../../../vmafx-server/src/paths.rs"]
pub mod paths;
#[path = "../../../../vmafx-server/src/scoring.rs"]
pub mod scoring;

/// Stands in for the server's logging: the parsers' warnings are dropped here.
pub mod log {
    macro_rules! dropped {
        ($($message:tt)*) => {{
            let _ = format_args!($($message)*);
        }};
    }
    pub(crate) use dropped as warn;
}

/// Stands in for the server's job store: `errors.rs` names only its error type.
pub mod store {
    /// The job store's error, as `errors.rs` turns it into an answer.
    #[derive(Debug)]
    pub struct StoreError;

    impl std::fmt::Display for StoreError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("job store")
        }
    }
}
