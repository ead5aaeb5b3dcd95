//! Pieces more than one resource uses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A PersistentVolumeClaim mounted into the scoring pod; `file://` URIs must lie under one
/// of these mount paths.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MediaVolume {
    /// The claim to mount.
    #[schemars(length(min = 1, max = 253))]
    pub claim_name: String,
    /// Absolute path inside the container, e.g. `/media`.
    #[schemars(length(min = 2, max = 1024), regex(pattern = r"^/[^\s]*$"))]
    pub mount_path: String,
    /// Mount read-only (the default); the volume holding `outputDir` needs `false`.
    #[serde(default = "default_true")]
    pub read_only: bool,
}

fn default_true() -> bool {
    true
}

/// One entry of a status' `conditions`, as Kubernetes' own types carry them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The aspect this condition reports, e.g. `Admitted`, `Complete`.
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// A CamelCase word for why.
    pub reason: String,
    /// Human-readable detail.
    #[serde(default)]
    pub message: String,
    /// RFC 3339 time the status last changed.
    pub last_transition_time: String,
}

impl Condition {
    /// A condition of `type_` holding `ok`, stamped `now` (RFC 3339).
    pub fn new(type_: &str, ok: bool, reason: &str, message: &str, now: &str) -> Self {
        Condition {
            type_: type_.to_owned(),
            status: if ok { "True" } else { "False" }.to_owned(),
            reason: reason.to_owned(),
            message: message.to_owned(),
            last_transition_time: now.to_owned(),
        }
    }
}

/// Replaces the condition of the same type, keeping its transition time when its status
/// did not change (as Kubernetes' meta.SetStatusCondition does).
pub fn set_condition(conditions: &mut Vec<Condition>, new: Condition) {
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        Some(old) => {
            let keep_time = old.status == new.status;
            let time = std::mem::take(&mut old.last_transition_time);
            *old = new;
            if keep_time {
                old.last_transition_time = time;
            }
        }
        None => conditions.push(new),
    }
}
