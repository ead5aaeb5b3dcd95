//! ComputeAdm on the emulator against AdmExtractor.
