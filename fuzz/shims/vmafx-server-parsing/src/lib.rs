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
