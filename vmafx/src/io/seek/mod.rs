//! Jumping over frames in seekable inputs, so that scoring a late segment of a long
//! file reads only that segment.

use std::io::{Seek, SeekFrom};

use crate::error::{Error, Result};
use crate::frame::Frame;

use super::FrameReader;

/// Moves a byte source's read position; set only for sources that implement [`Seek`].
/// A plain function pointer keeps readers over non-seekable sources (standard input,
/// byte slices) unchanged while the seekable ones jump.
pub(crate) type SeekFn<R> = fn(&mut R, SeekFrom) -> std::io::Result<u64>;

/// The [`SeekFn`] of a seekable source.
pub(crate) fn seek_fn<R: Seek>() -> SeekFn<R> {
    <R as Seek>::seek
}

/// Moves `source` with `seek`, naming what failed.
pub(crate) fn seek_to<R>(seek: SeekFn<R>, source: &mut R, to: SeekFrom) -> Result<u64> {
    seek(source, to).map_err(|e| Error::io("cannot seek in input", e))
}

/// `count * bytes` as a seek offset, or `None` when it does not fit.
pub(crate) fn span(count: u64, bytes: u64) -> Option<i64> {
    count.checked_mul(bytes).and_then(|n| i64::try_from(n).ok())
}

/// Reads and drops up to `count` frames; the fallback of readers that cannot jump.
pub(crate) fn read_and_drop(
    reader: &mut (impl FrameReader + ?Sized),
    count: u64,
    scratch: &mut Frame,
) -> Result<u64> {
    let mut passed = 0;
    while passed < count && reader.read_into(scratch)? {
        passed += 1;
    }
    Ok(passed)
}

#[cfg(test)]
mod tests;
