//! Pictures: pixel formats, owned frames and borrowed plane views.

use crate::error::{Error, Result};

/// How the two chroma planes are subsampled relative to luma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChromaSubsampling {
    /// Luma only (`gray`, Y4M `Cmono`).
    Yuv400,
    /// Half width, half height chroma.
    Yuv420,
    /// Half width, full height chroma.
    Yuv422,
    /// Full resolution chroma.
    Yuv444,
}

impl ChromaSubsampling {
    /// Horizontal chroma shift (log2 of the subsampling factor).
    pub fn shift_x(self) -> u32 {
        match self {
            Self::Yuv420 | Self::Yuv422 => 1,
            Self::Yuv400 | Self::Yuv444 => 0,
        }
    }

    /// Vertical chroma shift (log2 of the subsampling factor).
    pub fn shift_y(self) -> u32 {
        match self {
            Self::Yuv420 => 1,
            Self::Yuv400 | Self::Yuv422 | Self::Yuv444 => 0,
        }
    }

    /// Number of planes a frame of this layout carries.
    pub fn plane_count(self) -> usize {
        match self {
            Self::Yuv400 => 1,
            _ => 3,
        }
    }

    /// The short name libvmaf's `--pixel_format` uses: `420`, `422`, `444` or `400`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Yuv400 => "400",
            Self::Yuv420 => "420",
            Self::Yuv422 => "422",
            Self::Yuv444 => "444",
        }
    }
}

impl std::str::FromStr for ChromaSubsampling {
    type Err = Error;

    /// Accepts `420`, `422`, `444`, `400` and the `yuv420p` style spellings.
    fn from_str(s: &str) -> Result<Self> {
        let short = s.trim_start_matches("yuv").trim_end_matches('p');
        match short {
            "420" => Ok(Self::Yuv420),
            "422" => Ok(Self::Yuv422),
            "444" => Ok(Self::Yuv444),
            "400" | "gray" => Ok(Self::Yuv400),
            _ => Err(Error::InvalidInput(format!(
                "unknown pixel format {s:?} (expected 420, 422, 444 or 400)"
            ))),
        }
    }
}

/// Size, chroma layout and bit depth of a video's frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameFormat {
    width: usize,
    height: usize,
    chroma: ChromaSubsampling,
    bit_depth: u8,
}

/// Largest width or height accepted; keeps every size computation far from overflow.
pub const MAX_DIMENSION: usize = 1 << 16;

/// Largest picture accepted, in luma samples (16384 x 16384): a hostile header cannot
/// make a reader allocate tens of gigabytes.
pub const MAX_PIXELS: usize = 1 << 28;

impl FrameFormat {
    /// Validates and builds a format. Width and height must be 1..=65536, bit depth 8..=16.
    pub fn new(
        width: usize,
        height: usize,
        chroma: ChromaSubsampling,
        bit_depth: u8,
    ) -> Result<Self> {
        if width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION {
            return Err(Error::InvalidInput(format!(
                "frame size {width}x{height} is outside 1x1..{MAX_DIMENSION}x{MAX_DIMENSION}"
            )));
        }
        if width * height > MAX_PIXELS {
            return Err(Error::InvalidInput(format!(
                "frame size {width}x{height} exceeds {MAX_PIXELS} samples"
            )));
        }
        if !(8..=16).contains(&bit_depth) {
            return Err(Error::InvalidInput(format!(
                "bit depth {bit_depth} is outside 8..=16"
            )));
        }
        Ok(Self {
            width,
            height,
            chroma,
            bit_depth,
        })
    }

    /// Luma width in samples.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Luma height in samples.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Chroma layout.
    pub fn chroma(&self) -> ChromaSubsampling {
        self.chroma
    }

    /// Bits per sample, 8..=16.
    pub fn bit_depth(&self) -> u8 {
        self.bit_depth
    }

    /// Bytes one sample takes in a file: 1 up to 8 bits, else 2 (little-endian).
    pub fn bytes_per_sample(&self) -> usize {
        if self.bit_depth > 8 {
            2
        } else {
            1
        }
    }

    /// Number of planes (1 or 3).
    pub fn plane_count(&self) -> usize {
        self.chroma.plane_count()
    }

    /// Width of plane `index`; chroma is rounded up, as Y4M and ffmpeg store it.
    pub fn plane_width(&self, index: usize) -> usize {
        if index == 0 {
            self.width
        } else {
            let s = self.chroma.shift_x();
            (self.width + (1 << s) - 1) >> s
        }
    }

    /// Height of plane `index`; chroma is rounded up, as Y4M and ffmpeg store it.
    pub fn plane_height(&self, index: usize) -> usize {
        if index == 0 {
            self.height
        } else {
            let s = self.chroma.shift_y();
            (self.height + (1 << s) - 1) >> s
        }
    }

    /// Bytes of one whole frame in planar file layout.
    pub fn frame_bytes(&self) -> usize {
        (0..self.plane_count())
            .map(|i| self.plane_width(i) * self.plane_height(i))
            .sum::<usize>()
            * self.bytes_per_sample()
    }
}

/// A sample type a plane can hold: `u8` for 8-bit video, `u16` above.
pub trait Sample:
    Copy + Default + Send + Sync + Into<i32> + Into<u32> + Into<i64> + 'static
{
}
impl Sample for u8 {}
impl Sample for u16 {}

/// A borrowed rectangle of samples with a row stride (in samples).
#[derive(Debug, Clone, Copy)]
pub struct Plane<'a, T> {
    data: &'a [T],
    width: usize,
    height: usize,
    stride: usize,
}

impl<'a, T: Sample> Plane<'a, T> {
    /// Wraps `data`; fails when the slice is too short for `height` rows of `stride`.
    pub fn new(data: &'a [T], width: usize, height: usize, stride: usize) -> Result<Self> {
        if width == 0 || height == 0 || stride < width {
            return Err(Error::InvalidInput(format!(
                "plane {width}x{height} with stride {stride} is invalid"
            )));
        }
        let needed = (height - 1)
            .checked_mul(stride)
            .and_then(|n| n.checked_add(width))
            .ok_or_else(|| Error::InvalidInput("plane size overflows".into()))?;
        if data.len() < needed {
            return Err(Error::InvalidInput(format!(
                "plane {width}x{height} with stride {stride} needs {needed} samples, got {}",
                data.len()
            )));
        }
        Ok(Self {
            data,
            width,
            height,
            stride,
        })
    }

    /// Width in samples.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in samples.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Distance between rows, in samples.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The underlying samples, rows `stride` apart.
    pub fn data(&self) -> &'a [T] {
        self.data
    }

    /// Row `y`, exactly `width` samples long.
    #[inline]
    pub fn row(&self, y: usize) -> &'a [T] {
        let start = y * self.stride;
        &self.data[start..start + self.width]
    }
}

/// A plane of either sample width.
#[derive(Debug, Clone, Copy)]
pub enum PlaneRef<'a> {
    /// 8-bit samples.
    U8(Plane<'a, u8>),
    /// 9- to 16-bit samples.
    U16(Plane<'a, u16>),
}

impl PlaneRef<'_> {
    /// Width in samples.
    pub fn width(&self) -> usize {
        match self {
            Self::U8(p) => p.width(),
            Self::U16(p) => p.width(),
        }
    }

    /// Height in samples.
    pub fn height(&self) -> usize {
        match self {
            Self::U8(p) => p.height(),
            Self::U16(p) => p.height(),
        }
    }
}

/// A borrowed picture: its format and one view per plane.
#[derive(Debug, Clone, Copy)]
pub struct FrameView<'a> {
    format: FrameFormat,
    planes: [Option<PlaneRef<'a>>; 3],
}

impl<'a> FrameView<'a> {
    /// Builds a view, checking that every plane matches the format's geometry and sample type.
    pub fn new(format: FrameFormat, planes: &[PlaneRef<'a>]) -> Result<Self> {
        if planes.len() != format.plane_count() {
            return Err(Error::InvalidInput(format!(
                "{} planes given, format {} needs {}",
                planes.len(),
                format.chroma().name(),
                format.plane_count()
            )));
        }
        let mut slots = [None; 3];
        for (i, plane) in planes.iter().enumerate() {
            let wide = matches!(plane, PlaneRef::U16(_));
            if wide != (format.bit_depth() > 8) {
                return Err(Error::InvalidInput(format!(
                    "plane {i} sample type does not match bit depth {}",
                    format.bit_depth()
                )));
            }
            // libvmaf's pictures may carry floor-sized chroma; accept either rounding.
            let (w, h) = (format.plane_width(i), format.plane_height(i));
            let floor_w = if i == 0 {
                w
            } else {
                format.width() >> format.chroma().shift_x()
            };
            let floor_h = if i == 0 {
                h
            } else {
                format.height() >> format.chroma().shift_y()
            };
            let fits = |got: usize, ceil: usize, floor: usize| got == ceil || got == floor.max(1);
            if !fits(plane.width(), w, floor_w) || !fits(plane.height(), h, floor_h) {
                return Err(Error::InvalidInput(format!(
                    "plane {i} is {}x{}, format needs {w}x{h}",
                    plane.width(),
                    plane.height()
                )));
            }
            slots[i] = Some(*plane);
        }
        Ok(Self {
            format,
            planes: slots,
        })
    }

    /// The picture's format.
    pub fn format(&self) -> &FrameFormat {
        &self.format
    }

    /// The luma plane.
    pub fn luma(&self) -> PlaneRef<'a> {
        self.planes[0].expect("every frame view has a luma plane")
    }

    /// Plane `index`, or `None` past the format's plane count.
    pub fn plane(&self, index: usize) -> Option<PlaneRef<'a>> {
        self.planes.get(index).copied().flatten()
    }
}

/// Samples of one owned plane, tightly packed (stride = width).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaneBuffer {
    /// 8-bit samples.
    U8(Vec<u8>),
    /// 9- to 16-bit samples.
    U16(Vec<u16>),
}

/// An owned picture, as the readers produce it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    format: FrameFormat,
    planes: Vec<PlaneBuffer>,
}

impl Frame {
    /// A frame of the given format with every sample zero.
    pub fn zeroed(format: FrameFormat) -> Self {
        let planes = (0..format.plane_count())
            .map(|i| {
                let n = format.plane_width(i) * format.plane_height(i);
                if format.bit_depth() > 8 {
                    PlaneBuffer::U16(vec![0; n])
                } else {
                    PlaneBuffer::U8(vec![0; n])
                }
            })
            .collect();
        Self { format, planes }
    }

    /// An owned copy of a borrowed picture. Chroma planes narrower than the format's
    /// rounded-up size (floor-sized, as some callers store them) are widened by repeating
    /// their last column and row.
    pub fn from_view(view: &FrameView<'_>) -> Self {
        let mut frame = Self::zeroed(*view.format());
        frame.copy_view(view);
        frame
    }

    /// Overwrites this frame with a borrowed picture, as [`Frame::from_view`] copies it,
    /// reusing the buffers: no allocation when the formats are equal (else the frame
    /// takes the view's format first).
    pub fn copy_from_view(&mut self, view: &FrameView<'_>) {
        if self.format != *view.format() {
            *self = Self::zeroed(*view.format());
        }
        self.copy_view(view);
    }

    /// Copies every plane of `view`, whose format is this frame's.
    fn copy_view(&mut self, view: &FrameView<'_>) {
        for i in 0..self.planes.len() {
            let (w, h) = (self.format.plane_width(i), self.format.plane_height(i));
            let source = view
                .plane(i)
                .expect("views carry every plane of their format");
            match (&mut self.planes[i], source) {
                (PlaneBuffer::U8(dst), PlaneRef::U8(src)) => copy_plane(dst, w, h, &src),
                (PlaneBuffer::U16(dst), PlaneRef::U16(src)) => copy_plane(dst, w, h, &src),
                _ => unreachable!("FrameView::new checks sample types against the bit depth"),
            }
        }
    }

    /// The frame's format.
    pub fn format(&self) -> &FrameFormat {
        &self.format
    }

    /// Owned samples of plane `index`.
    pub fn plane_buffer(&self, index: usize) -> &PlaneBuffer {
        &self.planes[index]
    }

    /// Mutable samples of plane `index`, for readers and generators filling the frame.
    pub fn plane_buffer_mut(&mut self, index: usize) -> &mut PlaneBuffer {
        &mut self.planes[index]
    }

    /// A borrowed view of plane `index`.
    pub fn plane(&self, index: usize) -> PlaneRef<'_> {
        let (w, h) = (
            self.format.plane_width(index),
            self.format.plane_height(index),
        );
        match &self.planes[index] {
            PlaneBuffer::U8(d) => PlaneRef::U8(Plane {
                data: d,
                width: w,
                height: h,
                stride: w,
            }),
            PlaneBuffer::U16(d) => PlaneRef::U16(Plane {
                data: d,
                width: w,
                height: h,
                stride: w,
            }),
        }
    }

    /// A borrowed view of the whole frame.
    pub fn view(&self) -> FrameView<'_> {
        let mut planes = [None; 3];
        for (i, slot) in planes.iter_mut().enumerate().take(self.planes.len()) {
            *slot = Some(self.plane(i));
        }
        FrameView {
            format: self.format,
            planes,
        }
    }
}

/// Copies `src` into a tightly packed `w` x `h` buffer, repeating the last column and row
/// where `src` is smaller.
fn copy_plane<T: Sample>(dst: &mut [T], w: usize, h: usize, src: &Plane<'_, T>) {
    for y in 0..h {
        let row = src.row(y.min(src.height() - 1));
        let out = &mut dst[y * w..(y + 1) * w];
        let n = row.len().min(w);
        out[..n].copy_from_slice(&row[..n]);
        let last = row[n - 1];
        out[n..].fill(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5x3 4:2:0 picture whose chroma planes are floor-sized (2x1), as some callers
    /// store them.
    fn floor_chroma_view<'a>(luma: &'a [u8], chroma: &'a [u8]) -> FrameView<'a> {
        let format = FrameFormat::new(5, 3, ChromaSubsampling::Yuv420, 8).expect("valid format");
        let plane = |data, w, h| PlaneRef::U8(Plane::new(data, w, h, w).expect("valid plane"));
        FrameView::new(
            format,
            &[plane(luma, 5, 3), plane(chroma, 2, 1), plane(chroma, 2, 1)],
        )
        .expect("valid view")
    }

    #[test]
    fn a_recycled_frame_copies_a_view_as_a_new_frame_does() {
        let luma: Vec<u8> = (0..15).collect();
        let chroma = [200, 201];
        let view = floor_chroma_view(&luma, &chroma);
        let fresh = Frame::from_view(&view);
        // The last chroma column and row are repeated into the rounded-up plane.
        assert_eq!(
            fresh.plane_buffer(1),
            &PlaneBuffer::U8(vec![200, 201, 201, 200, 201, 201])
        );

        let mut same_format = Frame::zeroed(*view.format());
        if let PlaneBuffer::U8(data) = same_format.plane_buffer_mut(0) {
            data.fill(99);
        }
        same_format.copy_from_view(&view);
        assert_eq!(same_format, fresh);

        let other = FrameFormat::new(8, 8, ChromaSubsampling::Yuv444, 10).expect("valid format");
        let mut other_format = Frame::zeroed(other);
        other_format.copy_from_view(&view);
        assert_eq!(other_format, fresh);
    }
}
