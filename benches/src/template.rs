//! Command templates: a command line with `{placeholders}` filled in per run.

use anyhow::{bail, Result};

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 9] = [
    "vmafx", "ref", "dist", "threads", "out", "width", "height", "frames", "bitdepth",
];

/// The values of one run; paths are quoted for `sh` when substituted.
#[derive(Debug, Clone)]
pub struct RunValues<'a> {
    /// Path of the vmafx executable.
    pub vmafx: &'a str,
    /// Reference clip path.
    pub reference: &'a str,
    /// Distorted clip path.
    pub distorted: &'a str,
    /// Where the command should write its JSON report.
    pub out: &'a str,
    /// Worker threads to ask for.
    pub threads: usize,
    /// Clip width.
    pub width: usize,
    /// Clip height.
    pub height: usize,
    /// Clip frame count.
    pub frames: u64,
    /// Clip bit depth.
    pub bit_depth: u8,
}

/// Whether `template` uses `{name}`.
pub fn uses(template: &str, name: &str) -> bool {
    template.contains(&format!("{{{name}}}"))
}

/// `template` with every `{placeholder}` replaced. A brace not around a lowercase word
/// (JSON, `${HOME}`) is kept as it is; an unknown lowercase word is an error.
pub fn fill(template: &str, values: &RunValues<'_>) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_lowercase())
            .unwrap_or(after.len());
        if name_len == 0 || !after[name_len..].starts_with('}') {
            out.push('{');
            rest = after;
            continue;
        }
        let value = match &after[..name_len] {
            "vmafx" => shell_quote(values.vmafx),
            "ref" => shell_quote(values.reference),
            "dist" => shell_quote(values.distorted),
            "out" => shell_quote(values.out),
            "threads" => values.threads.to_string(),
            "width" => values.width.to_string(),
            "height" => values.height.to_string(),
            "frames" => values.frames.to_string(),
            "bitdepth" => values.bit_depth.to_string(),
            other => bail!(
                "unknown placeholder {{{other}}} in `{template}` (known: {})",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
            ),
        };
        out.push_str(&value);
        rest = &after[name_len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `text` as one `sh` word: unchanged when plain, else single-quoted.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> RunValues<'static> {
        RunValues {
            vmafx: "/opt/vmafx",
            reference: "/tmp/a b/ref.y4m",
            distorted: "/tmp/it's/dist.y4m",
            out: "/tmp/out.json",
            threads: 2,
            width: 1920,
            height: 1080,
            frames: 120,
            bit_depth: 8,
        }
    }

    #[test]
    fn fills_and_quotes() {
        let line = fill(
            "{vmafx} -r {ref} -d {dist} --threads {threads} -o {out}",
            &values(),
        );
        assert_eq!(
            line.unwrap(),
            r"/opt/vmafx -r '/tmp/a b/ref.y4m' -d '/tmp/it'\''s/dist.y4m' --threads 2 -o /tmp/out.json"
        );
        assert_eq!(
            fill("{width}x{height} {frames}f {bitdepth}", &values()).unwrap(),
            "1920x1080 120f 8"
        );
    }

    #[test]
    fn unknown_placeholders_are_errors_and_other_braces_stay() {
        assert!(fill("vmaf {reference}", &values()).is_err());
        assert_eq!(
            fill(r#"echo '{"a": {}}' ${HOME} {ref"#, &values()).unwrap(),
            r#"echo '{"a": {}}' ${HOME} {ref"#
        );
        assert!(uses("x -o {out}", "out") && !uses("x", "out"));
    }
}
