//! What a metric declares about itself, once: its libvmaf names, its options, the
//! features it outputs in libvmaf's order, and how it is built.
//!
//! Each metric folder holds one [`MetricDescriptor`]; the registry lists them. Option
//! parsing, output naming and extractor assembly all read the descriptor, so adding a
//! metric or an option touches its own folder only.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::Result;
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView, PlaneRef};

/// One feature a metric can output: libvmaf's internal name (the one models use) and
/// the short name reports print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output {
    /// Internal name, e.g. `VMAF_integer_feature_vif_scale0_score`.
    pub name: &'static str,
    /// Report name before option suffixes, e.g. `integer_vif_scale0`.
    pub report: &'static str,
}

impl Output {
    /// An output whose report name is its internal name.
    pub const fn plain(name: &'static str) -> Self {
        Self { name, report: name }
    }

    /// An output with a shorter report name.
    pub const fn aliased(name: &'static str, report: &'static str) -> Self {
        Self { name, report }
    }
}

/// Whether a metric scores each frame pair alone or needs the frames in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Values depend on one frame pair only; frames may be scored in any order.
    Spatial,
    /// Values depend on earlier (or later) frames; frames arrive in order. The context
    /// says how many neighbours a frame's values depend on.
    Temporal(TemporalContext),
}

impl Timing {
    /// The frames around a scored frame its values depend on (none for spatial metrics).
    pub const fn context(self) -> TemporalContext {
        match self {
            Self::Spatial => TemporalContext::NONE,
            Self::Temporal(context) => context,
        }
    }
}

/// How many frames before and after a frame a metric must see for that frame's values
/// to equal those of a run over the whole video.
///
/// "Before" counts the frames whose pixels or state feed the frame's values, plus those
/// the metric needs to have left its first-frame behaviour behind (libvmaf's first frame
/// of a run scores motion as zero); "after" the frames whose values feed it later (a
/// frame's `motion2` waits for the next frame). A segment scored with this many extra
/// frames on each side gives exactly the values of a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TemporalContext {
    /// Frames needed before a scored frame.
    pub before: u64,
    /// Frames needed after a scored frame.
    pub after: u64,
}

impl TemporalContext {
    /// No neighbours: the frame pair alone decides.
    pub const NONE: Self = Self {
        before: 0,
        after: 0,
    };

    /// A context of `before` and `after` frames.
    pub const fn new(before: u64, after: u64) -> Self {
        Self { before, after }
    }

    /// The larger need on each side: what a run of both metrics needs.
    pub fn union(self, other: Self) -> Self {
        Self {
            before: self.before.max(other.before),
            after: self.after.max(other.after),
        }
    }
}

/// Everything VMAFX knows about one metric.
pub struct MetricDescriptor {
    /// libvmaf's extractor name, as `--feature` takes it (`vif`, `float_ssim`, ...).
    pub name: &'static str,
    /// Other names `--feature` accepts for it (`integer_vif`).
    pub aliases: &'static [&'static str],
    /// Every option, with libvmaf's names, aliases, types, defaults and ranges.
    pub options: &'static [OptionSpec],
    /// Every output the metric can produce, in libvmaf's order.
    pub outputs: &'static [Output],
    /// Spatial or temporal.
    pub timing: Timing,
    /// The outputs a request yields for a frame format (a subset of `outputs`, in order).
    pub(crate) active_outputs: fn(&OptionValues, &FrameFormat) -> Vec<Output>,
    /// Builds a live extractor for frames of one format.
    pub(crate) build: fn(&OptionValues, &FrameFormat, &dyn Accelerator) -> Result<Extractor>,
}

impl MetricDescriptor {
    /// Whether `name` names this metric (its name or one of its aliases).
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }

    /// The output whose internal name is `feature`, if this metric has it.
    pub fn output(&self, feature: &str) -> Option<&'static Output> {
        self.outputs.iter().find(|o| o.name == feature)
    }

    /// Every option at its default.
    pub fn default_values(&'static self) -> OptionValues {
        OptionValues::defaults(self.name, self.options)
    }

    /// Option values from libvmaf option names and numbers, switches as 0
    /// or 1, the rest at their defaults.
    pub fn values_from_numbers(
        &'static self,
        numbers: &BTreeMap<String, f64>,
    ) -> Result<OptionValues> {
        let mut values = self.default_values();
        for (key, &number) in numbers {
            values.set_number(key, number)?;
        }
        Ok(values)
    }

    /// Every output, less the last `optional` ones unless `wanted`: the shape of metrics
    /// whose extra outputs (`debug`, `enable_lcs`) come after their scores.
    pub(crate) fn outputs_unless(&self, wanted: bool, optional: usize) -> Vec<Output> {
        let count = if wanted {
            self.outputs.len()
        } else {
            self.outputs.len().saturating_sub(optional)
        };
        self.outputs[..count].to_vec()
    }

    /// The option called `name`.
    pub fn option(&self, name: &str) -> Option<&'static OptionSpec> {
        self.options.iter().find(|o| o.name == name)
    }
}

impl fmt::Debug for MetricDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricDescriptor")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl PartialEq for MetricDescriptor {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// A live spatial extractor: writes one frame pair's values, in the order of the
/// request's active outputs, into `out`.
pub(crate) trait FrameMetric: Send {
    /// Scores one frame pair.
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()>;

    /// Whole-run integer counters (such as summed squared errors) this copy has
    /// gathered; empty for metrics without whole-run values. A run holds several copies
    /// of a spatial extractor, so the scorer adds their counters up element by element
    /// and hands the sums to [`FrameMetric::aggregates`].
    fn run_totals(&self) -> Vec<u64> {
        Vec::new()
    }

    /// libvmaf's `aggregate_metrics` from the summed [`FrameMetric::run_totals`] of
    /// every copy, in the order libvmaf sets them.
    fn aggregates(&self, _totals: &[u64]) -> Vec<(&'static str, f64)> {
        Vec::new()
    }
}

/// Values a temporal extractor produced for an earlier (or the current) frame.
pub(crate) struct TemporalValues {
    /// Index among the frames pushed to the extractor.
    pub frame: u64,
    /// Values in the order of the request's active outputs.
    pub values: Vec<f64>,
}

/// A live temporal extractor: sees every frame in order and may answer for a frame later.
pub(crate) trait SequenceMetric: Send + Sync {
    /// Feeds the next frame pair; returns values for the frames that became complete.
    fn push(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<Vec<TemporalValues>>;

    /// After the last frame: values for a frame still waiting, until `None`.
    fn flush(&mut self) -> Result<Option<TemporalValues>>;
}

/// A built extractor of either timing.
pub(crate) enum Extractor {
    /// Scores frame pairs independently.
    Spatial(Box<dyn FrameMetric>),
    /// Scores frames in order.
    Temporal(Box<dyn SequenceMetric>),
}

impl Extractor {
    /// A spatial extractor that reads the luma planes alone: `score` runs the CPU
    /// extractor or a device engine, `write` lays its scores out in output order.
    pub(crate) fn luma<S: 'static>(
        score: impl for<'a> FnMut(PlaneRef<'a>, PlaneRef<'a>) -> Result<S> + Send + 'static,
        write: fn(&S, &mut [f64]),
    ) -> Self {
        Self::spatial(LumaMetric {
            score: Box::new(score),
            write,
        })
    }

    /// Wraps a spatial extractor.
    pub(crate) fn spatial(metric: impl FrameMetric + 'static) -> Self {
        Self::Spatial(Box::new(metric))
    }

    /// Wraps a temporal extractor.
    pub(crate) fn temporal(metric: impl SequenceMetric + 'static) -> Self {
        Self::Temporal(Box::new(metric))
    }
}

/// Scores a pair of luma planes (a CPU extractor or a device engine).
type LumaScorer<S> = Box<dyn for<'a> FnMut(PlaneRef<'a>, PlaneRef<'a>) -> Result<S> + Send>;

/// A luma-only spatial extractor and the layout of its scores.
struct LumaMetric<S> {
    score: LumaScorer<S>,
    write: fn(&S, &mut [f64]),
}

impl<S> FrameMetric for LumaMetric<S> {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let scores = (self.score)(reference.luma(), distorted.luma())?;
        (self.write)(&scores, out);
        Ok(())
    }
}

/// Declares the descriptor of a spatial metric that libvmaf gives no options, whose
/// extractor is built with `new(&FrameFormat, Options::default())` and whose scores list
/// their values with `named()` in libvmaf's order (float_psnr, psnr_hvs, ...).
macro_rules! optionless_spatial_metric {
    ($name:literal, $extractor:ty, $options:ty, [$($output:literal),+ $(,)?]) => {
        #[doc = concat!("The `", $name, "` metric. libvmaf declares no options for it.")]
        pub static DESCRIPTOR: $crate::feature::descriptor::MetricDescriptor =
            $crate::feature::descriptor::MetricDescriptor {
                name: $name,
                aliases: &[],
                options: &[],
                outputs: &[$($crate::feature::descriptor::Output::plain($output)),+],
                timing: $crate::feature::descriptor::Timing::Spatial,
                active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
                build,
            };

        fn build(
            _: &$crate::feature::options::OptionValues,
            format: &$crate::frame::FrameFormat,
            _: &dyn $crate::feature::device::Accelerator,
        ) -> $crate::error::Result<$crate::feature::descriptor::Extractor> {
            let extractor = <$extractor>::new(format, <$options>::default())?;
            Ok($crate::feature::descriptor::Extractor::spatial(extractor))
        }

        impl $crate::feature::descriptor::FrameMetric for $extractor {
            fn extract(
                &mut self,
                reference: &$crate::frame::FrameView<'_>,
                distorted: &$crate::frame::FrameView<'_>,
                out: &mut [f64],
            ) -> $crate::error::Result<()> {
                let scores = <$extractor>::extract(self, reference, distorted)?;
                for (slot, (_, value)) in out.iter_mut().zip(scores.named()) {
                    *slot = value;
                }
                Ok(())
            }
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn outputs_are_the_named_scores_in_order() {
                let names: Vec<&str> = super::DESCRIPTOR.outputs.iter().map(|o| o.name).collect();
                assert_eq!(names, [$($output),+]);
            }
        }
    };
}
pub(crate) use optionless_spatial_metric;
