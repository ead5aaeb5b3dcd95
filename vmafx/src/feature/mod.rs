//! Feature extractors, one module per metric, each with its scalar reference.

pub mod adm;
pub mod motion;
pub mod vif;
