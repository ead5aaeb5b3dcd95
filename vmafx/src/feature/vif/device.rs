//! Integer VIF on a GPU: what a backend implements to run it.

use crate::error::Result;
use crate::frame::PlaneRef;

use super::VifScores;

/// Integer VIF computed on a device; its scores equal [`super::VifExtractor`]'s.
pub(crate) trait VifDevice: Send {
    /// Scores one pair of luma planes.
    fn extract(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifScores>;
}
