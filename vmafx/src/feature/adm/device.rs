//! Integer ADM on a GPU: what a backend implements to run it.

use crate::error::Result;
use crate::frame::PlaneRef;

use super::AdmScores;

/// Integer ADM computed on a device; its scores equal [`super::AdmExtractor`]'s.
pub(crate) trait AdmDevice: Send {
    /// Scores one pair of luma planes.
    fn extract(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<AdmScores>;
}
