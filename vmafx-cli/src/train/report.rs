//! The agreement table `train` and `evaluate` print.

use anyhow::Result;
use vmafx_train::{Agreement, Evaluation};

use crate::console::outln;

/// Prints one line per group, then the overall line.
pub fn print(evaluation: &Evaluation) -> Result<()> {
    let width = evaluation
        .groups
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0)
        .max("overall".len());
    outln!(
        "{:<width$} {:>5} {:>8} {:>8} {:>8} {:>9} {:>8}",
        "group",
        "pairs",
        "PLCC",
        "SRCC",
        "KRCC",
        "RMSE",
        "outliers"
    )?;
    for (group, stats) in &evaluation.groups {
        line(group, stats, width)?;
    }
    line("overall", &evaluation.overall, width)
}

fn line(name: &str, stats: &Agreement, width: usize) -> Result<()> {
    outln!(
        "{:<width$} {:>5} {:>8} {:>8} {:>8} {:>9.4} {:>8.3}",
        name,
        stats.count,
        optional(stats.plcc),
        optional(stats.srcc),
        optional(stats.krcc),
        stats.rmse,
        stats.outlier_ratio
    )
}

/// A correlation with four decimals, or `n/a` where it is undefined (one pair, or a
/// constant side).
pub fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.4}"))
}
