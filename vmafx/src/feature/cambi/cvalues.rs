//! Per-pixel banding strength ("c-values"): for each masked pixel, how much of its window
//! sits on its own code value next to a visibly different neighbouring value.
//!
//! Windows are counted with one histogram per code value and column: each counts, for
//! every column, the masked pixels of that value whose window covers the column within
//! the current rows. Moving down a row removes the row leaving the window and adds the
//! row entering it.

use crate::error::{Error, Result};

use super::canvas::Canvas;
use super::luminance::{visibility_threshold, visible_luma_floor};
use super::options::Eotf;

/// Perceptual weight of a step of 1, 2, .. 32 code values.
const CONTRAST_WEIGHTS: [i32; 32] = [
    1, 2, 3, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
];

/// Everything about contrast that is fixed once the options are known.
#[derive(Debug, Clone)]
pub(super) struct ContrastModel {
    /// Weight of a step of `d + 1` code values, at index `d`.
    weights: Vec<i64>,
    /// Highest code value at which a step of `d + 1` is visible, at index `d`.
    thresholds: Vec<i32>,
    /// Lowest code value bright enough to show banding (0: all are).
    dark_floor: i32,
    /// Lowest code value that can matter; histogram row 0 holds it.
    band_base: i32,
    /// Number of code values that can matter (histogram rows); may be 0.
    band_len: usize,
    /// `reciprocal[n]` is 1/n as single precision, rounded through 9 significant decimal
    /// digits as libvmaf's table is written (so 42 of its first 4226 entries are one unit
    /// in the last place away from the exact quotient); `reciprocal[0]` is 0.
    reciprocal: Vec<f32>,
}

impl ContrastModel {
    /// The largest contrast weight in use, which bounds the c-values.
    pub(super) fn max_weight(&self) -> i64 {
        self.weights.iter().copied().max().unwrap_or(1)
    }

    /// Builds the thresholds for steps of 1 up to 2^`max_log_contrast` code values and a
    /// reciprocal table for windows up to `max_window` pixels across.
    pub(super) fn new(
        max_log_contrast: u32,
        tvi_threshold: f64,
        vis_lum_threshold: f64,
        eotf: Eotf,
        max_window: usize,
    ) -> Result<Self> {
        let steps = 1usize << max_log_contrast;
        let offset = steps as i32;
        let weights = CONTRAST_WEIGHTS[..steps]
            .iter()
            .map(|&w| i64::from(w))
            .collect();
        let thresholds: Vec<i32> = (1..=offset)
            .map(|step| visibility_threshold(step, tvi_threshold, eotf))
            .collect();
        let dark_floor = visible_luma_floor(vis_lum_threshold, eotf).ok_or_else(|| {
            Error::Feature(format!(
                "cambi: no code value reaches cambi_vis_lum_threshold {vis_lum_threshold}"
            ))
        })?;
        let dark_floor = i32::from(dark_floor);
        // Only values in this band can take part in a visible step above the dark floor,
        // as the pixel itself or as its neighbour a step up or down; the others are left
        // out of the histograms without changing any c-value.
        let band_base = (dark_floor - 3 * offset + 1).max(0);
        let band_top = *thresholds.last().expect("at least one step") + offset;
        let band_len = usize::try_from(band_top + 1 - band_base).unwrap_or(0);
        let reciprocal = (0..=max_window * max_window)
            .map(reciprocal_9_digits)
            .collect();
        Ok(Self {
            weights,
            thresholds,
            dark_floor,
            band_base,
            band_len,
            reciprocal,
        })
    }

    /// Histogram row of a code value, if it lies in the band.
    #[inline]
    fn band_row(&self, value: u16) -> Option<usize> {
        let row = usize::from(value).wrapping_sub(self.band_base as usize);
        (row < self.band_len).then_some(row)
    }

    /// The c-value of a masked pixel of code value `value` in column `x`, from the
    /// window counts `counts` (rows of `width` columns).
    #[inline]
    fn pixel(&self, counts: &[u16], width: usize, x: usize, value: u16) -> f32 {
        let Some(row) = self.band_row(value) else {
            return 0.0;
        };
        let count_at = |row: usize| counts[row * width + x];
        let own = count_at(row);
        let value = i32::from(value);
        // libvmaf holds the dark floor against the value raised by the number of steps
        // as well as by the step itself; kept so that the results agree.
        let raised = value + self.weights.len() as i32;
        let mut strongest = 0.0f32;
        for (d, (&threshold, &weight)) in self.thresholds.iter().zip(&self.weights).enumerate() {
            let step = d + 1;
            if value > threshold || raised + step as i32 <= self.dark_floor {
                continue;
            }
            // Steps up stay inside the band as long as thresholds grow with the step;
            // the bound only guards against the contrary.
            let above = if row + step < self.band_len {
                count_at(row + step)
            } else {
                0
            };
            let below = if row >= step { count_at(row - step) } else { 0 };
            let other = if above > below { above } else { below };
            let product = weight * i64::from(own) * i64::from(other);
            let c = product as f32 * self.reciprocal[usize::from(own) + usize::from(other)];
            if c > strongest {
                strongest = c;
            }
        }
        strongest
    }
}

/// 1/`n` written with 9 significant digits, then read as single precision.
fn reciprocal_9_digits(n: usize) -> f32 {
    if n == 0 {
        return 0.0;
    }
    format!("{:.8e}", 1.0 / n as f64)
        .parse()
        .expect("formatted float parses")
}

/// The picture, its mask and the histogram for one scale.
struct Window<'a> {
    model: &'a ContrastModel,
    image: &'a Canvas,
    mask: &'a Canvas,
    counts: &'a mut [u16],
    width: usize,
    half: usize,
    /// Columns whose pixels enter the counts: the picture's, or as many as the window's
    /// half width when the picture is narrower (libvmaf then reads beyond the picture).
    columns: usize,
    /// Whether runs of [`BLOCK`] columns without masked pixels are skipped as a whole
    /// (they change nothing: the same counts and values result).
    skip_unmasked: bool,
}

/// Columns checked at once for masked pixels when skipping.
const BLOCK: usize = 32;

/// The starts and ends of the runs of [`BLOCK`] columns in which some of `masks` is set.
#[inline]
fn masked_blocks<'m>(masks: [&'m [u16]; 2]) -> impl Iterator<Item = (usize, usize)> + 'm {
    let columns = masks[0].len().min(masks[1].len());
    (0..columns).step_by(BLOCK).filter_map(move |start| {
        let end = (start + BLOCK).min(columns);
        let any = masks[0][start..end]
            .iter()
            .zip(&masks[1][start..end])
            .fold(0, |any, (&a, &b)| any | a | b);
        (any != 0).then_some((start, end))
    })
}

impl<'a> Window<'a> {
    /// The histogram row of each pixel of row `y` (`None` for pixels that do not count:
    /// unmasked or outside the band), over the counted columns that lie on the canvas.
    /// Rows and columns beyond the canvas never count.
    #[inline]
    fn entries(&self, y: usize) -> impl Iterator<Item = Option<usize>> + 'a {
        let (model, image, mask) = (self.model, self.image, self.mask);
        let (image_row, mask_row): (&'a [u16], &'a [u16]) = if y < image.height() {
            let columns = self.columns.min(image.width());
            (&image.row(y)[..columns], &mask.row(y)[..columns])
        } else {
            (&[], &[])
        };
        image_row
            .iter()
            .zip(mask_row)
            .map(move |(&v, &m)| if m == 0 { None } else { model.band_row(v) })
    }

    /// Adds `delta` (wrapping) to the counts of histogram row `row` that the window of a
    /// pixel in column `x` covers.
    #[inline]
    fn bump(&mut self, row: usize, x: usize, delta: u16) {
        let start = row * self.width;
        let span = start + x.saturating_sub(self.half)..start + (x + self.half + 1).min(self.width);
        self.counts[span]
            .iter_mut()
            .for_each(|c| *c = c.wrapping_add(delta));
    }

    fn add_row(&mut self, y: usize) {
        for (x, entry) in self.entries(y).enumerate() {
            if let Some(row) = entry {
                self.bump(row, x, 1);
            }
        }
    }

    fn remove_row(&mut self, y: usize) {
        for (x, entry) in self.entries(y).enumerate() {
            if let Some(row) = entry {
                self.bump(row, x, u16::MAX);
            }
        }
    }

    /// Removes row `leaving` and adds row `entering`, skipping columns where both pixels
    /// count in the same histogram row (the two updates would cancel).
    fn slide(&mut self, leaving: usize, entering: usize) {
        if self.skip_unmasked && leaving.max(entering) < self.image.height() {
            self.slide_masked_blocks(leaving, entering);
            return;
        }
        let pairs = self.entries(leaving).zip(self.entries(entering));
        for (x, (out, into)) in pairs.enumerate() {
            if out == into {
                continue;
            }
            if let Some(row) = out {
                self.bump(row, x, u16::MAX);
            }
            if let Some(row) = into {
                self.bump(row, x, 1);
            }
        }
    }

    /// [`Window::slide`] for two rows on the canvas, visiting only the blocks of
    /// columns where either row has a masked pixel.
    fn slide_masked_blocks(&mut self, leaving: usize, entering: usize) {
        let (model, image, mask) = (self.model, self.image, self.mask);
        let columns = self.columns.min(image.width());
        let rows = |y: usize| (&image.row(y)[..columns], &mask.row(y)[..columns]);
        let ((out_values, out_mask), (in_values, in_mask)) = (rows(leaving), rows(entering));
        let entry = |values: &[u16], mask: &[u16], x: usize| {
            if mask[x] == 0 {
                None
            } else {
                model.band_row(values[x])
            }
        };
        for (start, end) in masked_blocks([out_mask, in_mask]) {
            for x in start..end {
                let (out, into) = (entry(out_values, out_mask, x), entry(in_values, in_mask, x));
                if out == into {
                    continue;
                }
                if let Some(row) = out {
                    self.bump(row, x, u16::MAX);
                }
                if let Some(row) = into {
                    self.bump(row, x, 1);
                }
            }
        }
    }

    /// C-values of the masked pixels of row `y`; the others are left untouched.
    fn c_values_of_row(&self, y: usize, out: &mut [f32]) {
        let image = &self.image.row(y)[..self.width];
        let mask = &self.mask.row(y)[..self.width];
        if self.skip_unmasked {
            for (start, end) in masked_blocks([mask, mask]) {
                for x in start..end {
                    if mask[x] != 0 {
                        out[x] = self.model.pixel(self.counts, self.width, x, image[x]);
                    }
                }
            }
            return;
        }
        for x in 0..self.width {
            if mask[x] != 0 {
                out[x] = self.model.pixel(self.counts, self.width, x, image[x]);
            }
        }
    }
}

/// The c-values of one scale, with the histograms they are counted in (kept between
/// calls so that their memory is reused).
#[derive(Debug, Clone, Default)]
pub(super) struct CValues {
    values: Vec<f32>,
    counts: Vec<u16>,
    /// Whether runs of columns without masked pixels are skipped as a whole.
    skip_unmasked: bool,
}

impl CValues {
    /// Empty buffers; with `skip_unmasked`, [`CValues::compute`] passes over blocks of
    /// columns without masked pixels instead of visiting them pixel by pixel (the
    /// results are the same).
    pub(super) fn new(skip_unmasked: bool) -> Self {
        Self {
            skip_unmasked,
            ..Self::default()
        }
    }

    /// The values of the last [`CValues::compute`], row-major; pooling reorders them.
    pub(super) fn values(&self) -> &[f32] {
        &self.values
    }

    /// The values of the last [`CValues::compute`], row-major, to be pooled in place.
    pub(super) fn values_mut(&mut self) -> &mut [f32] {
        &mut self.values
    }

    /// Computes the c-value of every pixel of the `width` x `height` picture in `image`,
    /// using windows of `window` x `window` pixels clipped to the picture. Unmasked pixels
    /// get 0.
    ///
    /// Rows are visited as libvmaf visits them, which matters only when the picture is
    /// less than a window tall: the rows above the picture's top half window are counted
    /// even where they lie below the picture (they then hold what an earlier scale left),
    /// and rows near both edges are computed last with every row of the picture counted.
    pub(super) fn compute(
        &mut self,
        model: &ContrastModel,
        image: &Canvas,
        mask: &Canvas,
        width: usize,
        height: usize,
        window: usize,
    ) {
        let values = &mut self.values;
        values.clear();
        values.resize(width * height, 0.0);
        self.counts.clear();
        self.counts.resize(width * model.band_len, 0);
        let half = window / 2;
        let mut w = Window {
            model,
            image,
            mask,
            counts: &mut self.counts,
            width,
            half,
            columns: width.max(half),
            skip_unmasked: self.skip_unmasked,
        };
        let row_of = |y: usize| y * width..(y + 1) * width;

        for y in 0..half {
            w.add_row(y);
        }
        // Rows from `recomputed_from` on are computed again, finally, at the bottom.
        let recomputed_from = height.saturating_sub(half);
        for y in 0..=half {
            if y + half < height {
                w.add_row(y + half);
            }
            if y < recomputed_from {
                w.c_values_of_row(y, &mut values[row_of(y)]);
            }
        }
        for y in half + 1..height.saturating_sub(half) {
            w.slide(y - half - 1, y + half);
            w.c_values_of_row(y, &mut values[row_of(y)]);
        }
        for y in recomputed_from..height {
            if y > half {
                w.remove_row(y - half - 1);
            }
            w.c_values_of_row(y, &mut values[row_of(y)]);
        }
    }
}
