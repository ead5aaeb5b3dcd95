//! Separable, mirrored Gaussian filtering for VIF: the decimation to the next scale
//! and the per-row moments (means, energies, cross term) feeding the statistic.
//!
//! Each output sample is the vertical sum (taps in order, from 0) of the source column,
//! then the horizontal sum of those vertical results, exactly as libvmaf's scalar
//! filter accumulates; looping over taps outside the columns keeps that order.

use super::statistic::Statistic;
use crate::feature::float_common::mirror::{pad_row, reflect};

/// A packed picture.
#[derive(Debug, Clone, Copy)]
pub(super) struct Picture<'a> {
    pub data: &'a [f32],
    pub width: usize,
    pub height: usize,
}

impl Picture<'_> {
    fn row(&self, y: usize) -> &[f32] {
        &self.data[y * self.width..][..self.width]
    }
}

/// Reusable row buffers.
#[derive(Debug, Default)]
pub(super) struct RowScratch {
    padded: [Vec<f32>; 5],
    filtered: [Vec<f32>; 5],
}

/// Source row of vertical tap `k` for output row `y`.
fn tap_row(y: usize, k: usize, radius: usize, height: usize) -> usize {
    reflect(y as isize + k as isize - radius as isize, height)
}

/// Horizontal pass over a padded row into `out` (every column).
fn horizontal(filter: &[f32], padded: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    for (k, &f) in filter.iter().enumerate() {
        for (o, &p) in out.iter_mut().zip(&padded[k..]) {
            *o += f * p;
        }
    }
}

/// Low-pass filters `src` and keeps every second row and column, into `dst`
/// (`width / 2` x `height / 2`, packed).
pub(super) fn decimate(
    filter: &[f32],
    src: Picture<'_>,
    dst: &mut [f32],
    scratch: &mut RowScratch,
) {
    let radius = filter.len() / 2;
    let (width, height) = (src.width, src.height);
    let out_width = width / 2;
    let padded = &mut scratch.padded[0];
    padded.resize(width + 2 * radius, 0.0);
    for (i, out) in dst.chunks_exact_mut(out_width).take(height / 2).enumerate() {
        let column = &mut padded[radius..radius + width];
        column.fill(0.0);
        for (k, &f) in filter.iter().enumerate() {
            let s = src.row(tap_row(2 * i, k, radius, height));
            for (c, &v) in column.iter_mut().zip(s) {
                *c += f * v;
            }
        }
        pad_row(padded, radius);
        for (jj, o) in out.iter_mut().enumerate() {
            let window = &padded[2 * jj..][..filter.len()];
            let mut acc = 0.0f32;
            for (&f, &p) in filter.iter().zip(window) {
                acc += f * p;
            }
            *o = acc;
        }
    }
}

/// Sums the VIF numerator and denominator terms over every pixel of one scale
/// (row sums first, then the sum of rows, in single precision).
pub(super) fn information_sums(
    filter: &[f32],
    reference: Picture<'_>,
    distorted: Picture<'_>,
    statistic: &Statistic,
    scratch: &mut RowScratch,
) -> (f32, f32) {
    let radius = filter.len() / 2;
    let (width, height) = (reference.width, reference.height);
    for buf in scratch.padded.iter_mut() {
        buf.resize(width + 2 * radius, 0.0);
    }
    for buf in scratch.filtered.iter_mut() {
        buf.resize(width, 0.0);
    }
    let mut num = 0.0f32;
    let mut den = 0.0f32;
    for y in 0..height {
        vertical_moments(filter, reference, distorted, y, radius, &mut scratch.padded);
        for (padded, out) in scratch.padded.iter_mut().zip(scratch.filtered.iter_mut()) {
            pad_row(padded, radius);
            horizontal(filter, padded, out);
        }
        let [mu1, mu2, xx, yy, xy] = &scratch.filtered;
        let mut row_num = 0.0f32;
        let mut row_den = 0.0f32;
        for j in 0..width {
            let (n, d) = statistic.pixel(mu1[j], mu2[j], xx[j], yy[j], xy[j]);
            row_num += n;
            row_den += d;
        }
        num += row_num;
        den += row_den;
    }
    (num, den)
}

/// Vertical pass of the five moments for row `y`, into the centre of the padded rows.
fn vertical_moments(
    filter: &[f32],
    reference: Picture<'_>,
    distorted: Picture<'_>,
    y: usize,
    radius: usize,
    padded: &mut [Vec<f32>; 5],
) {
    let width = reference.width;
    let [mu1, mu2, xx, yy, xy] = padded;
    let mu1 = &mut mu1[radius..radius + width];
    let mu2 = &mut mu2[radius..radius + width];
    let xx = &mut xx[radius..radius + width];
    let yy = &mut yy[radius..radius + width];
    let xy = &mut xy[radius..radius + width];
    for buf in [&mut *mu1, &mut *mu2, &mut *xx, &mut *yy, &mut *xy] {
        buf.fill(0.0);
    }
    for (k, &f) in filter.iter().enumerate() {
        let row = tap_row(y, k, radius, reference.height);
        let r = reference.row(row);
        let d = distorted.row(row);
        for j in 0..width {
            let (a, b) = (r[j], d[j]);
            mu1[j] += f * a;
            mu2[j] += f * b;
            xx[j] += f * (a * a);
            yy[j] += f * (b * b);
            xy[j] += f * (a * b);
        }
    }
}
