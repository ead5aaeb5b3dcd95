//! The per-picture passes of CAMBI at the instruction-set level chosen once per
//! extractor: the scalar references in `canvas`, `mask`, `preprocess` and `pooling`, or
//! the same results computed by [`super::fast`] and compiled for AVX2 or AVX-512.

use crate::cpu::CpuLevel;
use crate::frame::PlaneRef;

use super::canvas::Canvas;
use super::fast::{self, FastScratch};
use super::{mask, pooling, preprocess};

/// Scratch buffers of every level, kept between pictures.
#[derive(Debug, Clone, Default)]
pub(super) struct Scratch {
    mode_rows: Vec<u16>,
    column_sums: Vec<u32>,
    fast: FastScratch,
}

/// The passes of one instruction-set level.
#[derive(Debug, Clone, Copy)]
pub(super) struct Kernels {
    level: CpuLevel,
}

impl Kernels {
    /// The passes of `level`, lowered to what this processor supports.
    pub(super) fn for_level(level: CpuLevel) -> Self {
        let level = CpuLevel::capped(level);
        // Other processors have only the scalar level.
        let level = if cfg!(target_arch = "x86_64") {
            level
        } else {
            CpuLevel::Scalar
        };
        Self { level }
    }

    /// The level these passes run at.
    pub(super) fn level(self) -> CpuLevel {
        self.level
    }

    /// The spatial mask of the `width` x `height` picture in `image` into `mask`.
    pub(super) fn spatial_mask(
        self,
        image: &Canvas,
        mask: &mut Canvas,
        width: usize,
        height: usize,
        scratch: &mut Scratch,
    ) {
        match self.level {
            CpuLevel::Scalar => {
                mask::spatial_mask(image, mask, width, height, &mut scratch.column_sums)
            }
            // SAFETY: `for_level` keeps only levels this processor supports.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => unsafe {
                avx2::spatial_mask(image, mask, width, height, &mut scratch.fast)
            },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx512 => unsafe {
                avx512::spatial_mask(image, mask, width, height, &mut scratch.fast)
            },
            #[cfg(not(target_arch = "x86_64"))]
            _ => mask::spatial_mask(image, mask, width, height, &mut scratch.column_sums),
        }
    }

    /// The luma resampled to `width` x `height` and converted to 10 bits, into `canvas`.
    pub(super) fn load_10bit(
        self,
        luma: &PlaneRef<'_>,
        bit_depth: u8,
        canvas: &mut Canvas,
        width: usize,
        height: usize,
    ) {
        match self.level {
            CpuLevel::Scalar => preprocess::load_10bit(luma, bit_depth, canvas, width, height),
            // SAFETY: `for_level` keeps only levels this processor supports.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => unsafe { avx2::load_10bit(luma, bit_depth, canvas, width, height) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx512 => unsafe {
                avx512::load_10bit(luma, bit_depth, canvas, width, height)
            },
            #[cfg(not(target_arch = "x86_64"))]
            _ => preprocess::load_10bit(luma, bit_depth, canvas, width, height),
        }
    }

    /// The anti-dithering average of the `width` x `height` picture in `canvas`.
    pub(super) fn smooth_dither(
        self,
        canvas: &mut Canvas,
        width: usize,
        height: usize,
        scratch: &mut Scratch,
    ) {
        match self.level {
            CpuLevel::Scalar => preprocess::smooth_dither(canvas, width, height),
            // SAFETY: `for_level` keeps only levels this processor supports.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => unsafe {
                avx2::smooth_dither(canvas, width, height, &mut scratch.fast)
            },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx512 => unsafe {
                avx512::smooth_dither(canvas, width, height, &mut scratch.fast)
            },
            #[cfg(not(target_arch = "x86_64"))]
            _ => preprocess::smooth_dither(canvas, width, height),
        }
    }

    /// Halves the `2 * width` x `2 * height` (or one less) picture in `canvas` to
    /// `width` x `height`.
    pub(super) fn halve(self, canvas: &mut Canvas, width: usize, height: usize) {
        match self.level {
            CpuLevel::Scalar => canvas.halve(width, height),
            // SAFETY: `for_level` keeps only levels this processor supports.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => unsafe { avx2::halve(canvas, width, height) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx512 => unsafe { avx512::halve(canvas, width, height) },
            #[cfg(not(target_arch = "x86_64"))]
            _ => canvas.halve(width, height),
        }
    }

    /// The 3x3 mode filter of the `width` x `height` picture in `canvas`.
    pub(super) fn mode_filter(
        self,
        canvas: &mut Canvas,
        width: usize,
        height: usize,
        scratch: &mut Scratch,
    ) {
        match self.level {
            CpuLevel::Scalar => canvas.mode_filter(width, height, &mut scratch.mode_rows),
            // SAFETY: `for_level` keeps only levels this processor supports.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => unsafe {
                avx2::mode_filter(canvas, width, height, &mut scratch.fast)
            },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx512 => unsafe {
                avx512::mode_filter(canvas, width, height, &mut scratch.fast)
            },
            #[cfg(not(target_arch = "x86_64"))]
            _ => canvas.mode_filter(width, height, &mut scratch.mode_rows),
        }
    }

    /// The mean of the largest `topk` share of `values`, which it may reorder.
    pub(super) fn mean_of_largest(self, values: &mut [f32], topk: f64) -> f64 {
        match self.level {
            CpuLevel::Scalar => pooling::mean_of_largest(values, topk),
            // SAFETY: `for_level` keeps only levels this processor supports.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => unsafe { avx2::mean_of_largest(values, topk) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx512 => unsafe { avx512::mean_of_largest(values, topk) },
            #[cfg(not(target_arch = "x86_64"))]
            _ => pooling::mean_of_largest(values, topk),
        }
    }
}

/// Entry points compiling [`super::fast`] for one level.
macro_rules! entry_points {
    ($level:ident, $features:literal, $keep_even:path) => {
        #[cfg(target_arch = "x86_64")]
        mod $level {
            use super::{fast, pooling, preprocess, Canvas, FastScratch, PlaneRef};

            /// # Safety
            /// The processor must support the level's features.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn load_10bit(
                luma: &PlaneRef<'_>,
                bit_depth: u8,
                canvas: &mut Canvas,
                width: usize,
                height: usize,
            ) {
                preprocess::load_10bit(luma, bit_depth, canvas, width, height)
            }

            /// # Safety
            /// The processor must support the level's features.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn mean_of_largest(values: &mut [f32], topk: f64) -> f64 {
                pooling::mean_of_largest_unordered(values, topk)
            }

            /// # Safety
            /// The processor must support the level's features.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn spatial_mask(
                image: &Canvas,
                mask: &mut Canvas,
                width: usize,
                height: usize,
                scratch: &mut FastScratch,
            ) {
                fast::spatial_mask(image, mask, width, height, scratch)
            }

            /// # Safety
            /// The processor must support the level's features.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn smooth_dither(
                canvas: &mut Canvas,
                width: usize,
                height: usize,
                scratch: &mut FastScratch,
            ) {
                fast::smooth_dither(canvas, width, height, scratch)
            }

            /// # Safety
            /// The processor must support the level's features.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn halve(canvas: &mut Canvas, width: usize, height: usize) {
                // SAFETY: this function runs only where the level is supported.
                fast::halve(canvas, width, height, |source, target| unsafe {
                    $keep_even(source, target)
                })
            }

            /// # Safety
            /// The processor must support the level's features.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn mode_filter(
                canvas: &mut Canvas,
                width: usize,
                height: usize,
                scratch: &mut FastScratch,
            ) {
                fast::mode_filter(canvas, width, height, scratch)
            }
        }
    };
}

entry_points!(avx2, "avx2", super::super::x86::keep_even_avx2);
entry_points!(avx512, "avx512f,avx512bw", super::super::x86::keep_even_avx512);
