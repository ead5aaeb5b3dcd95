//! The compute host code and kernels, run by the host emulator, against the CPU
//! extractors on random pictures: equal bit for bit.

mod adm;
mod motion;
mod pipeline;
mod vif;

use std::sync::Arc;

use super::emulator::EmulatedDevice;
use super::ComputeDevice;

/// The emulated device the tests run on.
pub(super) fn device() -> Arc<dyn ComputeDevice> {
    EmulatedDevice::open()
}

#[test]
fn the_emulator_keeps_the_device_contract() {
    super::contract::queue_contract(&device());
    super::contract::extractors_equal_the_cpu(&device());
}
