//! libvmaf's CSV layout: a `Frame` column, then one column per metric, each
//! line ending in a comma.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{format_score, Report};

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "Frame,")?;
    for name in &report.metrics {
        write!(out, "{},", field(name))?;
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

/// `text` as one CSV field: quoted, with quotes doubled, when it holds a separator, a
/// quote or a line end (RFC 4180), as is otherwise. Metric and model names never need it
/// (model names are checked where they enter); this keeps the columns whatever a caller
/// passed.
fn field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_separators_are_quoted() {
        assert_eq!(field("psnr_y"), "psnr_y");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("a\"/><x"), "\"a\"\"/><x\"");
        assert_eq!(field("a\nb"), "\"a\nb\"");
    }
}
