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
    writeln!(
        out,
        "  <fyi fps=\"{:.2}\" backend=\"{}\" />",
        report.fps,
        escape(&report.backend)
    )?;
    writeln!(out, "  <frames>")?;
    for frame in &report.frames {
        write!(out, "    <frame frameNum=\"{}\" ", frame.index)?;
        for (name, value) in report.metrics.iter().zip(&frame.values) {
            write!(out, "{}=\"{}\" ", escape(name), format_score(*value))?;
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
        write!(out, "{}=\"{}\" ", escape(name), format_score(*value))?;
    }
    writeln!(out, "/>")?;
    writeln!(out, "</VMAF>")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
