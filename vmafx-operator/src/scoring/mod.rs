//! The VmafxJob controller: placement, the state machine, the Jobs it creates, the
//! result its pods leave, and the reconciler that ties them to the API.

pub mod build;
pub mod controller;
pub mod decide;
pub mod observe;
pub mod placement;
pub mod result;

#[cfg(test)]
mod controller_tests;
#[cfg(test)]
mod decide_tests;
#[cfg(test)]
pub(crate) mod script_tests;
