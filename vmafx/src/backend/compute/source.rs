//! The kernel source the run-time compilers (NVRTC, hiprtc) receive: the files of
//! `vmafx/kernels/cuda/` in one translation unit, since those compilers have no file system.

/// The kernel files, in the order they are joined (`portable.h` first).
const FILES: [(&str, &str); 4] = [
    (
        "portable.h",
        include_str!("../../../kernels/cuda/portable.h"),
    ),
    ("motion.cu", include_str!("../../../kernels/cuda/motion.cu")),
    ("vif.cu", include_str!("../../../kernels/cuda/vif.cu")),
    ("adm.cu", include_str!("../../../kernels/cuda/adm.cu")),
];

/// Every kernel's source in one unit, `#include "portable.h"` lines dropped (the header
/// comes first and guards itself anyway).
pub fn translation_unit() -> String {
    let mut unit = String::new();
    for (name, text) in FILES {
        unit.push_str(&format!("// ---- {name}\n"));
        for line in text.lines() {
            if line.trim() != "#include \"portable.h\"" {
                unit.push_str(line);
                unit.push('\n');
            }
        }
    }
    unit
}

/// The names of every kernel in the unit, as the `VMAFX_*_KERNELS(X)` lists give them
/// (a list may continue over lines ending in a backslash).
pub fn kernel_names() -> Vec<&'static str> {
    let mut names = Vec::new();
    for (_, text) in FILES {
        let mut in_list = false;
        for line in text.lines() {
            let trimmed = line.trim();
            let body = if let Some(list) = trimmed.strip_prefix("#define VMAFX_") {
                match list.split_once("_KERNELS(X)") {
                    Some((_, body)) => body,
                    None => continue,
                }
            } else if in_list {
                trimmed
            } else {
                continue;
            };
            in_list = body.ends_with('\\');
            let mut rest = body;
            while let Some(start) = rest.find("X(") {
                rest = &rest[start + 2..];
                let end = rest.find(')').unwrap_or(rest.len());
                names.push(&rest[..end]);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_holds_every_listed_kernel_once() {
        let unit = translation_unit();
        let names = kernel_names();
        assert!(names.contains(&"motion_vertical") && names.contains(&"motion_sad"));
        for name in names {
            let definition = format!("VMAFX_KERNEL void {name}(");
            assert_eq!(unit.matches(&definition).count(), 1, "{name}");
        }
        assert!(!unit.contains("#include \"portable.h\""));
    }
}
