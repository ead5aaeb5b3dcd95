//! libvmaf's CSV layout: a `Frame` column, then one column per metric, each
//! line ending in a comma.

use std::io::{self, Write};

use super::{format_score, Report};

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "Frame,")?;
    for name in &report.metrics {
        write!(out, "{name},")?;
    }
    writeln!(out)?;
    for frame in &report.frames {
        write!(out, "{},", frame.index)?;
        for value in &frame.values {
            write!(out, "{},", format_score(*value))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
