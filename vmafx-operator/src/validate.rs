//! Checks on specs shared by the admission webhook and the controllers (which refuse what
//! a cluster without the webhook let through).

use crate::crd::{MediaVolume, VmafxJobSpec, VmafxModelTrainingSpec, VmafxNodeSpec};
use crate::error::{Error, Result};

/// The path of a `file://` URI, refusing other schemes, relative paths and `..`.
pub fn file_path<'a>(field: &str, uri: &'a str) -> Result<&'a str> {
    let Some((scheme, _)) = uri.split_once("://") else {
        return Err(Error::InvalidSpec(format!(
            "{field}: {uri:?} is not a URI (use file:///path)"
        )));
    };
    if !scheme.eq_ignore_ascii_case("file") {
        return Err(Error::InvalidSpec(format!(
            "{field}: scheme {scheme:?} is not supported; use file:// on a mounted volume"
        )));
    }
    let path = &uri[scheme.len() + 3..];
    if !path.starts_with('/') {
        return Err(Error::InvalidSpec(format!(
            "{field}: {uri:?} needs an absolute path (file:///path)"
        )));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(Error::InvalidSpec(format!(
            "{field}: {uri:?} must not contain '..'"
        )));
    }
    Ok(path)
}

/// The volume `path` lies on, if any.
fn volume_of<'v>(volumes: &'v [MediaVolume], path: &str) -> Option<&'v MediaVolume> {
    volumes.iter().find(|v| {
        let mount = v.mount_path.trim_end_matches('/');
        path.len() > mount.len() && path.starts_with(mount) && path.as_bytes()[mount.len()] == b'/'
    })
}

fn mounted_file(field: &str, uri: &str, volumes: &[MediaVolume], writable: bool) -> Result<()> {
    let path = file_path(field, uri)?;
    match volume_of(volumes, path) {
        None => Err(Error::InvalidSpec(format!(
            "{field}: {path} is on none of spec.volumes' mountPaths"
        ))),
        Some(v) if writable && v.read_only => Err(Error::InvalidSpec(format!(
            "{field}: volume {} is mounted read-only",
            v.claim_name
        ))),
        Some(_) => Ok(()),
    }
}

/// Every rule a VmafxJob spec must keep.
pub fn job_spec(spec: &VmafxJobSpec) -> Result<()> {
    mounted_file("spec.reference", &spec.reference, &spec.volumes, false)?;
    mounted_file("spec.distorted", &spec.distorted, &spec.volumes, false)?;
    if let Some(dir) = &spec.output_dir {
        mounted_file(
            "spec.outputDir",
            &format!("{}/", dir.trim_end_matches('/')),
            &spec.volumes,
            true,
        )?;
    }
    if let Some(model) = &spec.model {
        if model.contains("://") {
            file_path("spec.model", model)?;
        } else if !vmafx::Model::builtin_versions().contains(&model.as_str()) {
            return Err(Error::InvalidSpec(format!(
                "spec.model: {model:?} is no built-in model ({})",
                vmafx::Model::builtin_versions().join(", ")
            )));
        }
    }
    for feature in &spec.features {
        vmafx::FeatureRequest::parse(feature)
            .map_err(|e| Error::InvalidSpec(format!("spec.features: {feature:?}: {e}")))?;
    }
    if spec.segments > 1 && (spec.frame_count.is_none() || spec.output_dir.is_none()) {
        return Err(Error::InvalidSpec(
            "spec.segments > 1 needs frameCount and outputDir".into(),
        ));
    }
    if let Some(frames) = spec.frame_count {
        if spec.segments > frames {
            return Err(Error::InvalidSpec(format!(
                "spec.segments ({}) exceeds frameCount ({frames})",
                spec.segments
            )));
        }
    }
    Ok(())
}

/// Every rule a VmafxNode spec must keep.
pub fn node_spec(spec: &VmafxNodeSpec) -> Result<()> {
    if spec.capacity < 1 {
        return Err(Error::InvalidSpec(
            "spec.capacity must be at least 1".into(),
        ));
    }
    if spec.image.trim().is_empty() {
        return Err(Error::InvalidSpec("spec.image must not be empty".into()));
    }
    Ok(())
}

/// Every rule a VmafxModelTraining spec must keep.
pub fn training_spec(spec: &VmafxModelTrainingSpec) -> Result<()> {
    mounted_file("spec.dataSource", &spec.data_source, &spec.volumes, false)?;
    mounted_file("spec.output", &spec.output, &spec.volumes, true)?;
    if spec.base_model.contains("://") {
        file_path("spec.baseModel", &spec.base_model)?;
    }
    Ok(())
}
