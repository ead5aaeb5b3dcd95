//! The VmafxModelTraining controller: `vmafx train` as a Job, its phases and result.

pub mod build;
pub mod controller;
pub mod decide;

#[cfg(test)]
mod controller_tests;
