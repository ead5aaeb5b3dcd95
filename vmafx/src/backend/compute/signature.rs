//! The parameter sizes of each kernel, read from the kernel source.
//!
//! A launch API (`cuLaunchKernel`, `hipModuleLaunchKernel`, the SYCL library's) cannot
//! tell how many parameters a kernel takes nor their sizes: a wrong argument list would
//! read garbage on the device. The kernels' declarations are simple by the rules of
//! `portable.h` (pointers and 32/64-bit scalars), so every backend checks each launch
//! against them — the host emulator too, so that tests without a GPU catch a wrong list.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::device::KernelArg;
use super::source;
use crate::error::{Error, Result};

/// Checks `args` against kernel `name`'s declaration; the error names `backend`.
pub fn check_launch(backend: &str, name: &str, args: &[KernelArg<'_>]) -> Result<()> {
    static SIGNATURES: OnceLock<HashMap<String, std::result::Result<Vec<usize>, String>>> =
        OnceLock::new();
    let signatures = SIGNATURES.get_or_init(|| parameter_sizes(&source::translation_unit()));
    let parameters = match signatures.get(name) {
        Some(Ok(parameters)) => parameters,
        Some(Err(what)) => {
            return Err(Error::Backend(format!(
                "{backend}: kernel {name}: unreadable declaration ({what})"
            )))
        }
        None => return Err(Error::Backend(format!("{backend}: no kernel named {name}"))),
    };
    let matches =
        parameters.len() == args.len() && parameters.iter().zip(args).all(|(&p, a)| p == a.size());
    if !matches {
        let given: Vec<usize> = args.iter().map(KernelArg::size).collect();
        return Err(Error::Backend(format!(
            "{backend}: kernel {name} takes parameters of {parameters:?} bytes, launched with {given:?}"
        )));
    }
    Ok(())
}

/// Each kernel's parameter sizes in bytes, by name; `Err` names a parameter whose type
/// is not one the dialect allows.
pub(super) fn parameter_sizes(
    source: &str,
) -> HashMap<String, std::result::Result<Vec<usize>, String>> {
    let code = without_comments(source);
    let mut kernels = HashMap::new();
    let mut rest = code.as_str();
    while let Some(start) = rest.find("VMAFX_KERNEL") {
        rest = &rest[start + "VMAFX_KERNEL".len()..];
        let Some(open) = rest.find('(') else { break };
        let head = rest[..open].trim();
        let Some(name) = head.strip_prefix("void").map(str::trim) else {
            continue;
        };
        // A `#define VMAFX_KERNEL ...` line or a call is no declaration.
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        let list = &rest[open + 1..open + close];
        let sizes = list
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty() && *p != "void")
            .map(|p| parameter_size(p).ok_or_else(|| format!("parameter `{p}`")))
            .collect();
        kernels.insert(name.to_string(), sizes);
        rest = &rest[open + close..];
    }
    kernels
}

/// The size of one declared parameter, `None` for a type outside the dialect.
fn parameter_size(parameter: &str) -> Option<usize> {
    if parameter.contains('*') {
        return Some(8);
    }
    let mut words: Vec<&str> = parameter
        .split_whitespace()
        .filter(|w| !matches!(*w, "const" | "volatile" | "__restrict__"))
        .collect();
    // The last word is the parameter's name.
    words.pop();
    match words.join(" ").as_str() {
        "uint32_t" | "int32_t" | "int" | "unsigned" | "unsigned int" | "float" => Some(4),
        "uint64_t" | "int64_t" | "long long" | "unsigned long long" | "double" => Some(8),
        _ => None,
    }
}

/// `source` with `//` and `/* */` comments blanked out.
fn without_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_give_sizes() {
        let source = "#define VMAFX_KERNEL extern \"C\" __global__\n\
            // VMAFX_KERNEL void commented(int a)\n\
            VMAFX_KERNEL void k(const void *a, int32_t *b, uint32_t w, /* x */ int64_t s,\n\
                                double d) { f(); }\n\
            VMAFX_KERNEL void bad(short s) {}\n";
        let kernels = parameter_sizes(source);
        assert_eq!(kernels.len(), 2, "{kernels:?}");
        assert_eq!(kernels["k"], Ok(vec![8, 8, 4, 8, 8]));
        assert!(kernels["bad"].is_err());
    }

    #[test]
    fn launches_are_checked_against_the_declaration() {
        let (a, b) = (KernelArg::U64(0), KernelArg::U32(0));
        let ok = [a, a, b, b];
        assert!(check_launch("test", "motion_sad", &ok).is_ok());
        let short = check_launch("test", "motion_sad", &ok[..3]).unwrap_err();
        assert!(short.to_string().contains("[8, 8, 4, 4]"), "{short}");
        let wide = check_launch("test", "motion_sad", &[a, a, b, a]).unwrap_err();
        assert!(
            wide.to_string().contains("launched with [8, 8, 4, 8]"),
            "{wide}"
        );
        let unknown = check_launch("test", "nothing", &[]).unwrap_err();
        assert!(unknown.to_string().contains("no kernel named nothing"));
    }

    #[test]
    fn every_listed_kernel_has_a_readable_declaration() {
        let kernels = parameter_sizes(&source::translation_unit());
        for name in source::kernel_names() {
            match kernels.get(name) {
                Some(Ok(sizes)) => assert!(!sizes.is_empty(), "{name}"),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(kernels["motion_sad"], Ok(vec![8, 8, 4, 4]));
    }
}
