//! Agreement between predicted and subjective scores: PLCC, SRCC, KRCC, RMSE and the
//! outlier ratio.
//!
//! The correlations are computed on the scores as they are, without the logistic
//! mapping libvmaf's toolkit can fit first, so they say how well the model's own scale
//! follows the subjective one.

/// The statistics of one set of predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    /// Number of pairs.
    pub count: usize,
    /// Pearson's linear correlation; `None` when either side is constant or n < 2.
    pub plcc: Option<f64>,
    /// Spearman's rank correlation (ties get their mean rank).
    pub srcc: Option<f64>,
    /// Kendall's tau-b.
    pub krcc: Option<f64>,
    /// Root mean squared error, in the score's units.
    pub rmse: f64,
    /// Fraction of pairs whose error exceeds twice their score's standard deviation (the
    /// dataset's `score_std`), or, without it, twice the standard deviation of the
    /// prediction errors (over the whole dataset when evaluating a dataset's groups).
    pub outlier_ratio: f64,
}

impl Agreement {
    /// Compares predictions with subjective scores; `score_std` is per pair, where known.
    /// The slices must have one entry per pair each.
    pub fn of(predicted: &[f64], subjective: &[f64], score_std: &[Option<f64>]) -> Agreement {
        Agreement::with_error_spread(predicted, subjective, score_std, None)
    }

    /// As [`Agreement::of`], with the error spread that stands in for a missing
    /// `score_std` given (`None`: these errors' own standard deviation), so a group's
    /// outliers are judged against the whole dataset's errors.
    pub fn with_error_spread(
        predicted: &[f64],
        subjective: &[f64],
        score_std: &[Option<f64>],
        error_spread: Option<f64>,
    ) -> Agreement {
        let count = predicted.len().min(subjective.len());
        let (predicted, subjective) = (&predicted[..count], &subjective[..count]);
        let errors: Vec<f64> = predicted
            .iter()
            .zip(subjective)
            .map(|(p, s)| p - s)
            .collect();
        let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / count.max(1) as f64).sqrt();
        let spread = error_spread.unwrap_or_else(|| std_dev(&errors));
        let outliers = errors
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                let sigma = score_std.get(*i).copied().flatten().unwrap_or(spread);
                e.abs() > 2.0 * sigma
            })
            .count();
        Agreement {
            count,
            plcc: pearson(predicted, subjective),
            srcc: pearson(&ranks(predicted), &ranks(subjective)),
            krcc: kendall_tau_b(predicted, subjective),
            rmse,
            outlier_ratio: outliers as f64 / count.max(1) as f64,
        }
    }
}

/// Pearson's correlation coefficient.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x[..n].iter().zip(&y[..n]) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// 1-based ranks, ties sharing their mean rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let mean_rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = mean_rank;
        }
        start = end;
    }
    ranks
}

/// Kendall's tau-b, which corrects for ties on either side.
fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut ties_x, mut ties_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i] - x[j];
            let dy = y[i] - y[j];
            match (dx == 0.0, dy == 0.0) {
                (true, true) => {}
                (true, false) => ties_x += 1,
                (false, true) => ties_y += 1,
                (false, false) if (dx > 0.0) == (dy > 0.0) => concordant += 1,
                (false, false) => discordant += 1,
            }
        }
    }
    let pairs_x = (concordant + discordant + ties_x) as f64;
    let pairs_y = (concordant + discordant + ties_y) as f64;
    (pairs_x > 0.0 && pairs_y > 0.0)
        .then(|| (concordant - discordant) as f64 / (pairs_x * pairs_y).sqrt())
}

/// The sample standard deviation (0 for fewer than two values).
pub fn std_dev(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn correlations_of_textbook_data() {
        // scipy.stats: pearsonr 0.8, spearmanr 0.8, kendalltau 0.6 (no ties).
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [2.0, 1.0, 4.0, 3.0, 5.0];
        let a = Agreement::of(&x, &y, &[]);
        assert!(close(a.plcc, 0.8));
        assert!(close(a.srcc, 0.8));
        assert!(close(a.krcc, 0.6));
        assert!((a.rmse - (4.0f64 / 5.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn ties_use_mean_ranks_and_tau_b() {
        // scipy.stats.kendalltau([1,2,2,3],[1,3,2,4]) = 0.9128709291752769
        let x = [1.0, 2.0, 2.0, 3.0];
        let y = [1.0, 3.0, 2.0, 4.0];
        assert_eq!(ranks(&x), vec![1.0, 2.5, 2.5, 4.0]);
        assert!(close(kendall_tau_b(&x, &y), 0.912_870_929_175_276_9));
    }

    #[test]
    fn constant_sides_have_no_correlation() {
        let a = Agreement::of(&[5.0, 5.0, 5.0], &[1.0, 2.0, 3.0], &[]);
        assert_eq!((a.plcc, a.srcc, a.krcc), (None, None, None));
    }

    #[test]
    fn outliers_count_against_the_given_deviation() {
        let predicted = [10.0, 20.0, 30.0, 40.0];
        let subjective = [10.5, 20.0, 36.0, 40.0];
        let std = [Some(1.0), Some(1.0), Some(2.0), Some(1.0)];
        let a = Agreement::of(&predicted, &subjective, &std);
        assert_eq!(a.outlier_ratio, 0.25);
    }
}
