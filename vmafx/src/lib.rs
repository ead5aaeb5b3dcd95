//! VMAFX: the VMAF video quality metric, frame for frame equal to libvmaf.
#![deny(missing_docs)]

pub mod error;
pub mod feature;
pub mod frame;
pub mod io;
pub mod model;

pub use error::{Error, Result};
pub use frame::{ChromaSubsampling, Frame, FrameFormat, FrameView, Plane, PlaneRef};
