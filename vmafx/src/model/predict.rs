//! From feature values to scores: normalise, evaluate the SVM, denormalise, transform,
//! clip, and the bootstrap statistics.
//!
//! Every step keeps libvmaf's order of floating-point operations, so that the scores are
//! the same doubles libvmaf computes.

use super::svm::SvmModel;
use super::{BootstrapScores, ModelOptions};

/// libvmaf's upper bound on the number of features of one model.
pub(crate) const MAX_FEATURES: usize = 64;

/// How feature values and the prediction are mapped to and from the SVM's range.
#[derive(Clone, Debug)]
pub(crate) enum Normalisation {
    /// Values go to the SVM as they are.
    None,
    /// `normalised = slope * value + intercept`, per feature; the prediction is mapped
    /// back with the model-wide pair: `(prediction - intercept) / slope`.
    LinearRescale {
        slope: f64,
        intercept: f64,
        feature_slopes: Vec<f64>,
        feature_intercepts: Vec<f64>,
    },
}

impl Normalisation {
    fn normalise(&self, feature: usize, value: f64) -> f64 {
        match self {
            Normalisation::None => value,
            Normalisation::LinearRescale {
                feature_slopes,
                feature_intercepts,
                ..
            } => feature_slopes[feature] * value + feature_intercepts[feature],
        }
    }

    fn denormalise_feature(&self, feature: usize, value: f64) -> f64 {
        match self {
            Normalisation::None => value,
            Normalisation::LinearRescale {
                feature_slopes,
                feature_intercepts,
                ..
            } => (value - feature_intercepts[feature]) / feature_slopes[feature],
        }
    }

    fn denormalise_prediction(&self, prediction: f64) -> f64 {
        match self {
            Normalisation::None => prediction,
            Normalisation::LinearRescale {
                slope, intercept, ..
            } => (prediction - intercept) / slope,
        }
    }
}

/// The optional mapping applied to a prediction: a polynomial of degree up to two, then
/// a piecewise-linear map, then rectification against the untransformed score.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScoreTransform {
    /// Whether the model file enables it; the caller can enable it too.
    pub(crate) enabled: bool,
    pub(crate) p0: Option<f64>,
    pub(crate) p1: Option<f64>,
    pub(crate) p2: Option<f64>,
    /// At least two knots, x strictly and y weakly increasing (checked at load time).
    pub(crate) knots: Option<Vec<(f64, f64)>>,
    /// Output may not exceed the input.
    pub(crate) out_lte_in: bool,
    /// Output may not fall below the input.
    pub(crate) out_gte_in: bool,
}

impl ScoreTransform {
    fn apply(&self, input: f64) -> f64 {
        let polynomial = if self.p0.is_some() || self.p1.is_some() || self.p2.is_some() {
            let mut y = 0.0;
            if let Some(p0) = self.p0 {
                y += p0;
            }
            if let Some(p1) = self.p1 {
                y += p1 * input;
            }
            if let Some(p2) = self.p2 {
                y += p2 * input * input;
            }
            y
        } else {
            input
        };
        let mut out = match &self.knots {
            Some(knots) => piecewise_linear(polynomial, knots),
            None => polynomial,
        };
        if self.out_lte_in && out > input {
            out = input;
        }
        if self.out_gte_in && out < input {
            out = input;
        }
        out
    }
}

/// Maps `x` through the line segments between consecutive knots, extending the first and
/// last segments beyond the ends. Every segment is visited in order and a later match
/// overwrites an earlier one, so a shared knot takes the right-hand segment's formula.
fn piecewise_linear(x: f64, knots: &[(f64, f64)]) -> f64 {
    let last = knots.len() - 2;
    let mut y = 0.0;
    for (segment, pair) in knots.windows(2).enumerate() {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let inside = x0 <= x && x <= x1;
        let below = segment == 0 && x < x0;
        let above = segment == last && x > x1;
        if !(inside || below || above) {
            continue;
        }
        y = if y0 == y1 {
            y0
        } else {
            let (slope, offset) = line_through((x0, y0), (x1, y1));
            slope * x + offset
        };
    }
    y
}

/// Slope and offset of the line through two points with distinct coordinates.
fn line_through((x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> (f64, f64) {
    if x0 == 0.0 {
        ((y1 - y0) / x1, y0)
    } else {
        let slope = (y1 - y0) / (x1 - x0);
        (slope, y0 - x0 * slope)
    }
}

/// Replaces a zero chroma feature by a value derived from a luma feature (the
/// `chroma_correction_parameter` of the v1.0.16 models).
#[derive(Clone, Debug)]
pub(crate) struct ChromaCorrection {
    pub(crate) parameter: f64,
    /// Position of the feature that guides (its name contains `adm3`).
    pub(crate) guiding: usize,
    /// Position of the feature that is corrected (its name contains `speed_chroma`).
    pub(crate) guided: usize,
}

/// One SVM with everything around it: one entry of a model file.
#[derive(Clone, Debug)]
pub(crate) struct Regressor {
    /// For each of this regressor's features, its position in the model's feature list.
    pub(crate) inputs: Vec<usize>,
    pub(crate) normalisation: Normalisation,
    pub(crate) svm: SvmModel,
    pub(crate) chroma: Option<ChromaCorrection>,
    pub(crate) clip: Option<(f64, f64)>,
    pub(crate) transform: Option<ScoreTransform>,
}

impl Regressor {
    /// The denormalised SVM prediction, before transform and clipping.
    pub(crate) fn raw(&self, features: &[f64]) -> f64 {
        let mut node = [0.0; MAX_FEATURES];
        let node = &mut node[..self.inputs.len()];
        for (slot, (value, &input)) in node.iter_mut().zip(&self.inputs).enumerate() {
            *value = self.normalisation.normalise(slot, features[input]);
        }
        if let Some(chroma) = &self.chroma {
            self.correct_chroma(chroma, node);
        }
        let prediction = self.svm.predict(node);
        self.normalisation.denormalise_prediction(prediction)
    }

    fn correct_chroma(&self, chroma: &ChromaCorrection, node: &mut [f64]) {
        let norm = &self.normalisation;
        if norm.denormalise_feature(chroma.guided, node[chroma.guided]) != 0.0 {
            return;
        }
        let guiding = norm.denormalise_feature(chroma.guiding, node[chroma.guiding]);
        let corrected = -chroma.parameter * guiding + chroma.parameter;
        node[chroma.guided] = norm.normalise(chroma.guided, corrected);
    }

    /// Applies the transform and the clipping that `options` and the model file enable.
    pub(crate) fn finish(&self, score: f64, options: &ModelOptions) -> f64 {
        let mut score = score;
        if let Some(transform) = &self.transform {
            if transform.enabled || options.enable_transform {
                score = transform.apply(score);
            }
        }
        if let Some((min, max)) = self.clip {
            if !options.disable_clip {
                if score < min {
                    score = min;
                }
                if score > max {
                    score = max;
                }
            }
        }
        score
    }
}

/// Scores of a bootstrap collection. The statistics come from the members' raw
/// predictions; bagging and the interval bounds are then transformed and clipped like a
/// single prediction of the first member, and the standard deviation is scaled by the
/// slope of that mapping around the mean.
pub(crate) fn bootstrap(
    members: &[Regressor],
    features: &[f64],
    options: &ModelOptions,
) -> BootstrapScores {
    let mut raw: Vec<f64> = members.iter().map(|m| m.raw(features)).collect();
    let models = members
        .iter()
        .zip(&raw)
        .map(|(member, &score)| member.finish(score, options))
        .collect();

    let count = raw.len() as f64;
    let mut sum = 0.0;
    for score in &raw {
        sum += score;
    }
    let mean = sum / count;
    let mut squares = 0.0;
    for score in &raw {
        let d = score - mean;
        squares += d * d;
    }
    let stddev = (squares / count).sqrt();

    raw.sort_by(f64::total_cmp);
    let lo = percentile(&raw, 2.5);
    let hi = percentile(&raw, 97.5);

    let reference = &members[0];
    const DELTA: f64 = 0.01;
    let plus = reference.finish(mean + DELTA, options);
    let minus = reference.finish(mean - DELTA, options);
    let slope = (plus - minus) / (2.0 * DELTA);

    BootstrapScores {
        models,
        bagging: reference.finish(mean, options),
        stddev: stddev * slope,
        ci_p95_lo: reference.finish(lo, options),
        ci_p95_hi: reference.finish(hi, options),
    }
}

/// Linear interpolation between the closest ranks of sorted scores.
fn percentile(sorted: &[f64], percent: f64) -> f64 {
    let position = percent * (sorted.len() - 1) as f64 / 100.0;
    let (lo, hi) = (position.floor(), position.ceil());
    let (l, h) = (lo as usize, hi as usize);
    if l == h {
        sorted[l]
    } else {
        sorted[l] * (hi - position) + sorted[h] * (position - lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transform() -> ScoreTransform {
        ScoreTransform {
            enabled: true,
            ..ScoreTransform::default()
        }
    }

    #[test]
    fn polynomial_then_rectification() {
        let t = ScoreTransform {
            p0: Some(1.70674692),
            p1: Some(1.72643844),
            p2: Some(-0.00705305),
            out_gte_in: true,
            ..transform()
        };
        let x = 60.0;
        let expected = 0.0 + 1.70674692 + 1.72643844 * x + -0.00705305 * x * x;
        assert_eq!(t.apply(x), expected);
        // Above about 105 the polynomial falls below the input, which out_gte_in forbids.
        assert_eq!(t.apply(110.0), 110.0);
        let lte = ScoreTransform {
            p0: Some(10.0),
            out_lte_in: true,
            ..transform()
        };
        assert_eq!(lte.apply(50.0), 10.0);
        assert_eq!(lte.apply(5.0), 5.0);
    }

    #[test]
    fn piecewise_linear_inside_outside_and_flat() {
        let knots = [(0.0, 0.0), (50.0, 25.0), (100.0, 100.0)];
        assert_eq!(piecewise_linear(25.0, &knots), 12.5);
        assert_eq!(piecewise_linear(75.0, &knots), 62.5);
        assert_eq!(piecewise_linear(-10.0, &knots), -5.0);
        assert_eq!(piecewise_linear(110.0, &knots), 115.0);
        let flat = [(10.0, 5.0), (20.0, 5.0)];
        assert_eq!(piecewise_linear(0.0, &flat), 5.0);
        assert_eq!(piecewise_linear(15.0, &flat), 5.0);
        assert_eq!(piecewise_linear(30.0, &flat), 5.0);
    }

    #[test]
    fn percentile_interpolates() {
        let scores: Vec<f64> = (0..20).map(f64::from).collect();
        // position 2.5 * 19 / 100 = 0.475
        assert_eq!(percentile(&scores, 2.5), 0.0 * (1.0 - 0.475) + 1.0 * 0.475);
        assert_eq!(percentile(&[3.0], 97.5), 3.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 50.0), 2.0);
    }
}
