//! The VmafxNode controller: a vmafx-server Deployment and Service per pool, probed, and
//! the pool's status.

pub mod build;
pub mod controller;
pub mod decide;

#[cfg(test)]
mod controller_tests;
