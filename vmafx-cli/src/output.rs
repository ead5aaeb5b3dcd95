//! Writing the report file and the summary lines.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use vmafx::{PoolMethod, Report, ReportFormat};

/// Whether the report goes to standard output (then no summary is printed there).
pub fn writes_to_stdout(path: Option<&Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-" || p == Path::new("/dev/stdout"))
}

/// Writes the report in `format` to `path` (`-` for stdout).
pub fn write_report(report: &Report, format: ReportFormat, path: &Path) -> Result<()> {
    if path.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        report.write(format, &mut lock)?;
        return Ok(());
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    report.write(format, &mut out)?;
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// One line per model (`vmaf: 92.123456`), or per metric when no model ran, pooled with
/// `method`; other methods than the mean are named (`vmaf (p5): 85.123456`).
pub fn print_summary(report: &Report, model_names: &[String], method: PoolMethod) {
    let pooled = |name: &str| report.pooled_score(name, method);
    let label = |name: &str| match method {
        PoolMethod::Mean => name.to_string(),
        other => format!("{name} ({})", other.name()),
    };
    println!(
        "{} frames, {}x{}, {}",
        report.frames.len(),
        report.width,
        report.height,
        report.backend
    );
    if model_names.is_empty() {
        for name in &report.metrics {
            if let Some(v) = pooled(name) {
                println!("{}: {v:.6}", label(name));
            }
        }
        return;
    }
    for name in model_names {
        let Some(score) = pooled(name) else { continue };
        let bootstrap = (
            pooled(&format!("{name}_ci_p95_lo")),
            pooled(&format!("{name}_ci_p95_hi")),
            pooled(&format!("{name}_stddev")),
        );
        match bootstrap {
            (Some(lo), Some(hi), Some(sd)) => println!(
                "{}: {score:.6}, ci.p95: [{lo:.6}, {hi:.6}], stddev: {sd:.6}",
                label(name)
            ),
            _ => println!("{}: {score:.6}", label(name)),
        }
    }
}
