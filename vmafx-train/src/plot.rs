//! A scatter plot of predicted against subjective scores, as a PNG.
//!
//! Subjective scores run along x, predictions up y, over the same range; the grey
//! diagonal is perfect agreement and faint lines mark tenths of the range. Each content
//! group has its own colour. No text is drawn, so no font is needed.

use std::path::Path;

use crate::error::{Error, Result};

const SIZE: usize = 640;
const MARGIN: usize = 40;
const PALETTE: [[u8; 3]; 8] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [23, 190, 207],
];

/// An RGB canvas.
struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            pixels: vec![255; SIZE * SIZE * 3],
        }
    }

    fn set(&mut self, x: usize, y: usize, colour: [u8; 3]) {
        if x < SIZE && y < SIZE {
            let at = (y * SIZE + x) * 3;
            self.pixels[at..at + 3].copy_from_slice(&colour);
        }
    }

    fn line(&mut self, from: (f64, f64), to: (f64, f64), colour: [u8; 3]) {
        let steps = ((to.0 - from.0).abs().max((to.1 - from.1).abs()).ceil() as usize).max(1);
        for s in 0..=steps {
            let t = s as f64 / steps as f64;
            let x = from.0 + (to.0 - from.0) * t;
            let y = from.1 + (to.1 - from.1) * t;
            self.set(x.round() as usize, y.round() as usize, colour);
        }
    }

    fn dot(&mut self, centre: (f64, f64), colour: [u8; 3]) {
        let (cx, cy) = (centre.0.round() as i64, centre.1.round() as i64);
        for dy in -3i64..=3 {
            for dx in -3i64..=3 {
                if dx * dx + dy * dy <= 9 && cx + dx >= 0 && cy + dy >= 0 {
                    self.set((cx + dx) as usize, (cy + dy) as usize, colour);
                }
            }
        }
    }
}

/// Writes the plot of `predicted` against `subjective`, one point per pair, coloured by
/// `groups` (one entry per pair).
pub fn scatter_png(
    path: &Path,
    subjective: &[f64],
    predicted: &[f64],
    groups: &[String],
) -> Result<()> {
    let fail = |reason: String| Error::Plot {
        path: path.to_owned(),
        reason,
    };
    let values = subjective
        .iter()
        .chain(predicted)
        .copied()
        .filter(|v| v.is_finite());
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return Err(fail("nothing to plot".to_owned()));
    }
    let pad = ((hi - lo) * 0.05).max(1e-6);
    let (lo, hi) = (lo - pad, hi + pad);
    let span = (SIZE - 2 * MARGIN) as f64;
    let to_px = |x: f64, y: f64| {
        let px = MARGIN as f64 + (x - lo) / (hi - lo) * span;
        let py = (SIZE - MARGIN) as f64 - (y - lo) / (hi - lo) * span;
        (px, py)
    };
    let mut canvas = Canvas::new();
    for tenth in 0..=10 {
        let v = lo + (hi - lo) * f64::from(tenth) / 10.0;
        let colour = if tenth == 0 || tenth == 10 {
            [0, 0, 0]
        } else {
            [225, 225, 225]
        };
        canvas.line(to_px(v, lo), to_px(v, hi), colour);
        canvas.line(to_px(lo, v), to_px(hi, v), colour);
    }
    canvas.line(to_px(lo, lo), to_px(hi, hi), [150, 150, 150]);
    let mut names: Vec<&String> = groups.iter().collect();
    names.sort();
    names.dedup();
    for (i, (&s, &p)) in subjective.iter().zip(predicted).enumerate() {
        let group = groups
            .get(i)
            .and_then(|g| names.iter().position(|n| *n == g));
        canvas.dot(to_px(s, p), PALETTE[group.unwrap_or(0) % PALETTE.len()]);
    }
    let file = std::fs::File::create(path)
        .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), SIZE as u32, SIZE as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| fail(e.to_string()))?;
    writer
        .write_image_data(&canvas.pixels)
        .map_err(|e| fail(e.to_string()))?;
    writer.finish().map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_land_where_their_scores_say_in_their_group_colour() {
        let path =
            std::env::temp_dir().join(format!("vmafx-train-plot-{}.png", std::process::id()));
        let subjective = [20.0, 50.0, 80.0];
        let predicted = [20.0, 60.0, 80.0];
        let groups = ["b".to_owned(), "a".to_owned(), "b".to_owned()];
        scatter_png(&path, &subjective, &predicted, &groups).unwrap();
        let decoder = png::Decoder::new(std::fs::File::open(&path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!((info.width, info.height), (SIZE as u32, SIZE as u32));
        // The range is 20..80 padded by 5% (17..83); group "a" sorts first.
        let at = |x: f64, y: f64| {
            let span = (SIZE - 2 * MARGIN) as f64;
            let px = (MARGIN as f64 + (x - 17.0) / 66.0 * span).round() as usize;
            let py = ((SIZE - MARGIN) as f64 - (y - 17.0) / 66.0 * span).round() as usize;
            let i = (py * SIZE + px) * 3;
            [pixels[i], pixels[i + 1], pixels[i + 2]]
        };
        assert_eq!(at(50.0, 60.0), PALETTE[0]);
        assert_eq!(at(20.0, 20.0), PALETTE[1]);
        assert_eq!(at(80.0, 80.0), PALETTE[1]);
        assert_eq!(at(46.7, 66.5), [255, 255, 255], "between the grid lines");
    }

    #[test]
    fn refuses_nothing_to_plot() {
        let path = std::env::temp_dir().join("vmafx-train-never-written.png");
        let error = scatter_png(&path, &[], &[], &[]).unwrap_err().to_string();
        assert!(error.contains("nothing to plot"), "{error}");
    }
}
