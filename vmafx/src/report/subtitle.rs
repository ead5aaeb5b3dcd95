//! libvmaf's subtitle layout: one `{n}{n+1}frame: n|name: value|...` line per frame.

use std::io::{self, Write};

use super::{format_score, Report};

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for frame in &report.frames {
        write!(
            out,
            "{{{}}}{{{}}}frame: {}|",
            frame.index,
            frame.index + 1,
            frame.index
        )?;
        for (name, value) in report.metrics.iter().zip(&frame.values) {
            write!(out, "{name}: {}|", format_score(*value))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
