//! libvmaf's XML layout.

use std::io::{self, Write};

use super::{format_score, Report};
use crate::pool::PoolMethod;

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<VMAF version=\"{}\">", escape(&report.version))?;
    writeln!(
        out,
        "  <params qualityWidth=\"{}\" qualityHeight=\"{}\" />",
        report.width, report.height
    )?;
    // An empty backend is left out, which gives libvmaf's own layout.
    if report.backend.is_empty() {
        writeln!(out, "  <fyi fps=\"{:.2}\" />", report.fps)?;
    } else {
        writeln!(
            out,
            "  <fyi fps=\"{:.2}\" backend=\"{}\" />",
            report.fps,
            escape(&report.backend)
        )?;
    }
    writeln!(out, "  <frames>")?;
    for frame in &report.frames {
        write!(out, "    <frame frameNum=\"{}\" ", frame.index)?;
        for (name, value) in report.metrics.iter().zip(&frame.values) {
            write!(
                out,
                "{}=\"{}\" ",
                attribute_name(name),
                format_score(*value)
            )?;
        }
        writeln!(out, "/>")?;
    }
    writeln!(out, "  </frames>")?;
    writeln!(out, "  <pooled_metrics>")?;
    for (name, pooled) in report.metrics.iter().zip(&report.pooled) {
        write!(out, "    <metric name=\"{}\" ", escape(name))?;
        for method in PoolMethod::ALL {
            write!(
                out,
                "{}=\"{}\" ",
                method.name(),
                format_score(pooled.get(method).unwrap_or(f64::NAN))
            )?;
        }
        writeln!(out, "/>")?;
    }
    writeln!(out, "  </pooled_metrics>")?;
    write!(out, "  <aggregate_metrics ")?;
    for (name, value) in &report.aggregate {
        write!(
            out,
            "{}=\"{}\" ",
            attribute_name(name),
            format_score(*value)
        )?;
    }
    writeln!(out, "/>")?;
    writeln!(out, "</VMAF>")
}

/// `text` as an XML attribute name. Metric and model names are already valid ones (model
/// names are checked where they enter); any other character becomes `_`, so that the
/// report stays well-formed whatever a caller passed.
fn attribute_name(text: &str) -> String {
    let mut name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    name
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_names_stay_well_formed() {
        assert_eq!(attribute_name("integer_vif_scale0"), "integer_vif_scale0");
        assert_eq!(attribute_name("vmaf_4k_v0.6.1"), "vmaf_4k_v0.6.1");
        assert_eq!(attribute_name("a\"/><x"), "a____x");
        assert_eq!(attribute_name("1a"), "_1a");
        assert_eq!(attribute_name(""), "_");
    }
}
