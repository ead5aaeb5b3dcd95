//! GPU vendors present on the PCI bus, read from sysfs without loading any driver.

use std::path::Path;

/// PCI vendor id of NVIDIA.
pub const NVIDIA: u32 = 0x10de;
/// PCI vendor id of AMD/ATI.
pub const AMD: u32 = 0x1002;
/// PCI vendor id of Intel.
pub const INTEL: u32 = 0x8086;

/// Vendor ids of display controllers (PCI class 0x03xxxx); empty where sysfs is absent.
pub fn display_vendors() -> Vec<u32> {
    display_vendors_in(Path::new("/sys/bus/pci/devices"))
}

fn display_vendors_in(root: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut vendors: Vec<u32> = entries
        .flatten()
        .filter(|e| read_hex(&e.path().join("class")).is_some_and(|c| c >> 16 == 0x03))
        .filter_map(|e| read_hex(&e.path().join("vendor")))
        .collect();
    vendors.sort_unstable();
    vendors.dedup();
    vendors
}

fn read_hex(path: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(path).ok()?;
    u32::from_str_radix(text.trim().trim_start_matches("0x"), 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_display_controllers_only() {
        let root = std::env::temp_dir().join(format!("vmafx-pci-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (name, class, vendor) in [
            ("0000:01:00.0", "0x030000", "0x10de"),
            ("0000:02:00.0", "0x020000", "0x8086"),
            ("0000:03:00.0", "0x038000", "0x1002"),
        ] {
            let dir = root.join(name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("class"), class).unwrap();
            std::fs::write(dir.join("vendor"), vendor).unwrap();
        }
        assert_eq!(display_vendors_in(&root), vec![AMD, NVIDIA]);
        assert!(display_vendors_in(&root.join("absent")).is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }
}
