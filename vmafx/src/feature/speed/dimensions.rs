//! The sizes SpEED works at: the input plane, the prescaled plane, the plane after
//! the 16x decimation ("operating" size) and its grid of 5x5 blocks.

use crate::error::{Error, Result};

/// Side of the square blocks the statistics are estimated over.
pub(super) const BLOCK_SIZE: usize = 5;
/// Samples in one block, the order of the covariance matrix.
pub(super) const BLOCK_ELEMENTS: usize = BLOCK_SIZE * BLOCK_SIZE;
/// Halvings between the prescaled plane and the operating plane (a 16x decimation).
pub(super) const NUM_SCALES: u32 = 4;

/// Every size one SpEED computation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SpeedDimensions {
    /// The plane handed in.
    pub original_width: usize,
    /// The plane handed in.
    pub original_height: usize,
    /// The plane after the prescale.
    pub scaled_width: usize,
    /// The plane after the prescale.
    pub scaled_height: usize,
    /// The decimated plane.
    pub operating_width: usize,
    /// The decimated plane.
    pub operating_height: usize,
    /// Blocks across the decimated plane (partial blocks are dropped).
    pub blocks_across: usize,
    /// Blocks down the decimated plane.
    pub blocks_down: usize,
}

impl SpeedDimensions {
    /// Sizes for a `width` x `height` plane and a prescale factor; `feature` names the
    /// extractor in the error for planes whose decimated size holds no whole block,
    /// where libvmaf reports "SpEED: image too small, operating width or height is 0".
    pub fn new(feature: &str, width: usize, height: usize, prescale: f64) -> Result<Self> {
        // libvmaf rounds the product in double and truncates, as `(int)(x + 0.5)`.
        let scale = |n: usize| (n as f64 * prescale + 0.5) as usize;
        let (scaled_width, scaled_height) = (scale(width), scale(height));
        let operating_width = scaled_width >> NUM_SCALES;
        let operating_height = scaled_height >> NUM_SCALES;
        let dims = Self {
            original_width: width,
            original_height: height,
            scaled_width,
            scaled_height,
            operating_width,
            operating_height,
            blocks_across: operating_width / BLOCK_SIZE,
            blocks_down: operating_height / BLOCK_SIZE,
        };
        if dims.blocks_across == 0 || dims.blocks_down == 0 {
            return Err(Error::InvalidInput(format!(
                "{feature}: image too small, operating width or height is 0 \
                 ({width}x{height} at prescale {prescale} decimates to \
                 {operating_width}x{operating_height}, less than one {BLOCK_SIZE}x{BLOCK_SIZE} block)"
            )));
        }
        if is_unit_prescale(prescale) && (scaled_width, scaled_height) != (width, height) {
            // libvmaf skips the resize for such factors yet filters the larger size,
            // reading samples it never wrote.
            return Err(Error::InvalidInput(format!(
                "{feature}: speed_prescale {prescale} is too close to 1 for a {width}x{height} plane"
            )));
        }
        Ok(dims)
    }

    /// Width of the region the blocks cover.
    pub fn truncated_width(&self) -> usize {
        self.blocks_across * BLOCK_SIZE
    }

    /// Height of the region the blocks cover.
    pub fn truncated_height(&self) -> usize {
        self.blocks_down * BLOCK_SIZE
    }

    /// Number of blocks.
    pub fn blocks(&self) -> usize {
        self.blocks_across * self.blocks_down
    }

    /// Width of the window each of the 25 block-offset sub-pictures spans.
    pub fn window_width(&self) -> usize {
        self.truncated_width() - BLOCK_SIZE + 1
    }

    /// Height of the window each of the 25 block-offset sub-pictures spans.
    pub fn window_height(&self) -> usize {
        self.truncated_height() - BLOCK_SIZE + 1
    }
}

/// Whether libvmaf treats the prescale factor as 1 (within 1e-3) and skips resizing.
pub(super) fn is_unit_prescale(prescale: f64) -> bool {
    (prescale - 1.0).abs() < 1.0e-3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_of_common_planes() {
        let d = SpeedDimensions::new("t", 1280, 720, 1.0).unwrap();
        assert_eq!((d.operating_width, d.operating_height), (80, 45));
        assert_eq!((d.blocks_across, d.blocks_down), (16, 9));
        assert_eq!((d.window_width(), d.window_height()), (76, 41));

        // 4:2:0 chroma of 337x191 is taken as 168x95.
        let d = SpeedDimensions::new("t", 168, 95, 1.0).unwrap();
        assert_eq!((d.operating_width, d.operating_height), (10, 5));
        assert_eq!(d.blocks(), 2);

        let d = SpeedDimensions::new("t", 100, 100, 2.0).unwrap();
        assert_eq!(
            (d.scaled_width, d.operating_width, d.blocks_across),
            (200, 12, 2)
        );
    }

    #[test]
    fn planes_without_a_whole_block_are_refused() {
        // The chroma of 176x144 4:2:0: 88x72 decimates to 5x4.
        let err = SpeedDimensions::new("speed_chroma", 88, 72, 1.0).unwrap_err();
        assert!(err.to_string().contains("image too small"), "{err}");
        assert!(SpeedDimensions::new("t", 79, 200, 1.0).is_err());
        assert!(SpeedDimensions::new("t", 80, 80, 1.0).is_ok());
        assert!(SpeedDimensions::new("t", 160, 160, 0.4).is_err());
    }

    #[test]
    fn near_unit_prescale_must_keep_the_size() {
        assert!(SpeedDimensions::new("t", 320, 240, 1.0009).is_ok());
        assert!(SpeedDimensions::new("t", 1920, 1080, 1.0009).is_err());
    }
}
