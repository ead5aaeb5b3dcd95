//! Benchmark tools for vmafx: deterministic synthetic clips ([`synth`], written as Y4M by
//! [`gen`]) and a harness that times the `vmafx` command against any baseline command
//! ([`compare`]), backends timed side by side in one process ([`backends`]) and the
//! committed table of vmafx against libvmaf ([`table`]). The criterion benches in `benches/` use [`synth`] for their frames.
#![deny(missing_docs)]

pub mod backends;
pub mod compare;
pub mod gen;
pub mod process;
pub mod size;
pub mod synth;
pub mod table;
pub mod template;
pub mod y4m;
