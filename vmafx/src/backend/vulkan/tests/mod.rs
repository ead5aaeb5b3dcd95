//! GPU-equals-CPU tests. Each runs only where a Vulkan device can be opened and
//! otherwise prints "skipped: no Vulkan device" and passes (set `VMAFX_REQUIRE_VULKAN=1`
//! to make a missing device a failure instead).

mod conformance;
mod extractors;
mod softfloat;
mod speed;
mod spirv;

use std::sync::{Arc, OnceLock};

use super::VulkanDevice;

/// The device shared by every test, or `None` (after saying so) where there is none.
pub(super) fn device() -> Option<Arc<VulkanDevice>> {
    static DEVICE: OnceLock<Option<Arc<VulkanDevice>>> = OnceLock::new();
    let device = DEVICE
        .get_or_init(|| match VulkanDevice::open(None) {
            Ok(device) => {
                eprintln!("Vulkan tests run on {}", device.name());
                Some(device)
            }
            Err(e) => {
                eprintln!("no Vulkan device: {e}");
                None
            }
        })
        .clone();
    if device.is_none() {
        assert!(
            std::env::var_os("VMAFX_REQUIRE_VULKAN").is_none(),
            "VMAFX_REQUIRE_VULKAN is set but no Vulkan device could be opened"
        );
        eprintln!("skipped: no Vulkan device");
    }
    device
}

#[test]
fn enumerate_does_not_panic() {
    match VulkanDevice::enumerate() {
        Ok(devices) => {
            for d in devices {
                eprintln!("{d:?}");
            }
        }
        Err(e) => eprintln!("enumerate failed cleanly: {e}"),
    }
}

#[test]
fn handles_can_move_between_threads() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<super::VulkanVif>();
    send::<super::VulkanAdm>();
    send::<super::VulkanMotion>();
    send::<super::VulkanFrameScorer>();
    send::<Arc<VulkanDevice>>();
    sync::<VulkanDevice>();
}
