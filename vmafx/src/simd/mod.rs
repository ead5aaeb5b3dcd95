//! Vector vocabularies the CPU kernels are written in, one per architecture. A metric's
//! pipeline is written once, generic over the vocabulary, and compiled inside thin
//! `#[target_feature]` entry points, one per instruction set. Float kernels that the
//! compiler vectorises by itself use [`auto::per_level`] instead.

pub(crate) mod auto;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86;
