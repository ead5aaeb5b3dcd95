//! Builders of resources for the tests.

use kube::api::ObjectMeta;

use crate::crd::{MediaVolume, VmafxJob, VmafxJobSpec};

/// A valid single-segment VmafxJob `name` in namespace `ns`, with a uid (owner refs need one).
pub fn vmjob(name: &str, priority: i32) -> VmafxJob {
    let mut job = VmafxJob::new(
        name,
        VmafxJobSpec {
            reference: "file:///media/ref.y4m".into(),
            distorted: "file:///media/dist.y4m".into(),
            volumes: vec![MediaVolume {
                claim_name: "clips".into(),
                mount_path: "/media".into(),
                read_only: true,
            }],
            model: None,
            features: vec![],
            backend: Default::default(),
            priority,
            segments: 1,
            frame_count: None,
            output_dir: None,
            image: None,
        },
    );
    job.metadata = ObjectMeta {
        name: Some(name.into()),
        namespace: Some("ns".into()),
        uid: Some(format!("uid-{name}")),
        creation_timestamp: None,
        ..ObjectMeta::default()
    };
    job
}
