//! libvmaf's JSON layout, key for key.

use std::io::{self, Write};

use super::{format_score, Report};
use crate::pool::PoolMethod;

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{{")?;
    writeln!(out, "  \"version\": {},", quote(&report.version))?;
    if report.fps.is_finite() {
        writeln!(out, "  \"fps\": {:.2},", report.fps)?;
    } else {
        writeln!(out, "  \"fps\": null,")?;
    }
    // An empty backend is left out, which gives libvmaf's own layout (the drop-in
    // libvmaf writes reports so).
    if !report.backend.is_empty() {
        writeln!(out, "  \"backend\": {},", quote(&report.backend))?;
    }
    write!(out, "  \"frames\": [")?;
    for (n, frame) in report.frames.iter().enumerate() {
        write!(out, "{}", if n > 0 { ",\n" } else { "\n" })?;
        writeln!(out, "    {{")?;
        writeln!(out, "      \"frameNum\": {},", frame.index)?;
        writeln!(out, "      \"metrics\": {{")?;
        let last = report.metrics.len().saturating_sub(1);
        for (i, (name, value)) in report.metrics.iter().zip(&frame.values).enumerate() {
            let comma = if i < last { "," } else { "" };
            writeln!(
                out,
                "        {}: {}{comma}",
                quote(name),
                format_score(*value)
            )?;
        }
        writeln!(out, "      }}")?;
        write!(out, "    }}")?;
    }
    writeln!(out, "\n  ],")?;
    write!(out, "  \"pooled_metrics\": {{")?;
    for (i, (name, pooled)) in report.metrics.iter().zip(&report.pooled).enumerate() {
        write!(out, "{}", if i > 0 { ",\n" } else { "\n" })?;
        write!(out, "    {}: {{", quote(name))?;
        for (j, method) in PoolMethod::ALL.iter().enumerate() {
            write!(out, "{}", if j > 0 { ",\n" } else { "\n" })?;
            let value = format_score(pooled.get(*method).unwrap_or(f64::NAN));
            write!(out, "      \"{}\": {value}", method.name())?;
        }
        write!(out, "\n    }}")?;
    }
    writeln!(out, "\n  }},")?;
    write!(out, "  \"aggregate_metrics\": {{")?;
    for (i, (name, value)) in report.aggregate.iter().enumerate() {
        let comma = if i + 1 < report.aggregate.len() {
            ","
        } else {
            ""
        };
        write!(
            out,
            "\n    {}: {}{comma}",
            quote(name),
            format_score(*value)
        )?;
    }
    writeln!(out, "\n  }}")?;
    writeln!(out, "}}")
}

/// A JSON string literal; names and versions are plain ASCII, but escape anyway.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}
