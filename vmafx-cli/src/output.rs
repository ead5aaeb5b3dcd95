//! Writing the report file and the summary lines.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use vmafx::{PoolMethod, Report, ReportFormat};

use crate::console::outln;

/// Whether the report goes to standard output (then no summary is printed there).
pub fn writes_to_stdout(path: Option<&Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-" || p == Path::new("/dev/stdout"))
}

/// Where the report goes, opened before scoring so that an unwritable `-o` fails at once
/// rather than after the whole run.
pub enum ReportTarget {
    /// `-`: standard output.
    Stdout,
    /// A file (or a device such as `/dev/stdout`).
    File(ReportFile),
}

/// An output file opened ahead of the run. It is emptied only when the report is written;
/// a file this run created is removed again when no report reaches it.
pub struct ReportFile {
    path: PathBuf,
    file: Option<File>,
    created: bool,
}

impl ReportTarget {
    /// Opens `path` (`-` for stdout) for writing, without changing it yet.
    pub fn open(path: &Path) -> Result<Self> {
        if path.as_os_str() == "-" {
            return Ok(Self::Stdout);
        }
        let existed = path.exists();
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self::File(ReportFile {
            path: path.to_owned(),
            file: Some(file),
            created: !existed,
        }))
    }

    /// Writes the report in `format`.
    pub fn write(self, report: &Report, format: ReportFormat) -> Result<()> {
        match self {
            Self::Stdout => {
                let mut lock = std::io::stdout().lock();
                report.write(format, &mut lock)?;
                lock.flush().context("cannot write to standard output")
            }
            Self::File(mut target) => target.write(report, format),
        }
    }
}

impl ReportFile {
    fn write(&mut self, report: &Report, format: ReportFormat) -> Result<()> {
        let path = self.path.clone();
        let cannot_write = || format!("cannot write {}", path.display());
        let file = self.file.take().with_context(cannot_write)?;
        // Only a regular file has a length to reset; devices and pipes have none.
        if file.metadata().is_ok_and(|m| m.is_file()) {
            file.set_len(0).with_context(cannot_write)?;
        }
        let mut out = BufWriter::new(file);
        report.write(format, &mut out).with_context(cannot_write)?;
        out.flush().with_context(cannot_write)?;
        self.created = false;
        Ok(())
    }
}

impl Drop for ReportFile {
    fn drop(&mut self) {
        if self.created {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// One line per model, labelled as libvmaf's tool labels it (`vmaf_v0.6.1: 92.123456`),
/// or per metric when no model ran, pooled with
/// `method`; other methods than the mean are named (`vmaf (p5): 85.123456`).
pub fn print_summary(
    report: &Report,
    model_names: &[(String, String)],
    method: PoolMethod,
) -> Result<()> {
    let pooled = |name: &str| report.pooled_score(name, method);
    let label = |name: &str| match method {
        PoolMethod::Mean => name.to_string(),
        other => format!("{name} ({})", other.name()),
    };
    outln!(
        "{} frames, {}x{}, {}",
        report.frames.len(),
        report.width,
        report.height,
        report.backend
    )?;
    if model_names.is_empty() {
        for name in &report.metrics {
            if let Some(v) = pooled(name) {
                outln!("{}: {v:.6}", label(name))?;
            }
        }
        return Ok(());
    }
    for (shown, name) in model_names {
        let Some(score) = pooled(name) else { continue };
        let bootstrap = (
            pooled(&format!("{name}_ci_p95_lo")),
            pooled(&format!("{name}_ci_p95_hi")),
            pooled(&format!("{name}_stddev")),
        );
        match bootstrap {
            (Some(lo), Some(hi), Some(sd)) => outln!(
                "{}: {score:.6}, ci.p95: [{lo:.6}, {hi:.6}], stddev: {sd:.6}",
                label(shown)
            )?,
            _ => outln!("{}: {score:.6}", label(shown))?,
        }
    }
    Ok(())
}
