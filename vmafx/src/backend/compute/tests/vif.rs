//! ComputeVif on the emulator against VifExtractor.
