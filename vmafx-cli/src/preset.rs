//! libvmaf's CLI presets: `--aom_ctc v1.0` … `v7.0` (the AOM common test conditions)
//! and `--nflx_ctc v1.0`. Each appends models and features to the request where it
//! stands on the command line, exactly as libvmaf's `vmaf` tool does.

use anyhow::{bail, Result};

use crate::model_spec::ModelSpec;
use crate::request::Request;

/// The `--aom_ctc` versions libvmaf knows.
pub const AOM_CTC_VERSIONS: [&str; 7] = ["v1.0", "v2.0", "v3.0", "v4.0", "v5.0", "v6.0", "v7.0"];

/// The `--nflx_ctc` versions libvmaf knows.
pub const NFLX_CTC_VERSIONS: [&str; 1] = ["v1.0"];

/// Appends what `--aom_ctc VERSION` asks for.
pub fn apply_aom_ctc(request: &mut Request, version: &str) -> Result<()> {
    if version == "proposed" {
        bail!("`--aom_ctc proposed` is deprecated (as in libvmaf); name a version: {AOM_CTC_VERSIONS:?}");
    }
    let Some(level) = AOM_CTC_VERSIONS.iter().position(|v| *v == version) else {
        bail!("bad aom_ctc version {version:?} (expected one of {AOM_CTC_VERSIONS:?})");
    };
    // Versions build on each other: v2.0 is v1.0, v3.0 adds cambi, v4.0 and v5.0 are
    // v3.0, v6.0 accepts inputs of different bit depths, v7.0 makes SSIM full scale.
    request.models.push(builtin("vmaf_v0.6.1", "vmaf"));
    request.models.push(builtin("vmaf_v0.6.1neg", "vmaf_neg"));
    request
        .features
        .push("psnr=reduced_hbd_peak=true:enable_apsnr=true:min_sse=0.5".into());
    request.features.push("ciede".into());
    request
        .features
        .push("float_ssim=enable_db=true:clip_db=true".into());
    request
        .features
        .push("float_ms_ssim=enable_db=true:clip_db=true".into());
    request.features.push("psnr_hvs".into());
    if level >= 2 {
        request.features.push("cambi".into());
    }
    if level >= 5 {
        request.common_bitdepth = true;
    }
    if level >= 6 {
        request.replace_feature("float_ssim=scale=1:enable_db=true:clip_db=true");
    }
    Ok(())
}

/// Appends what `--nflx_ctc VERSION` asks for.
pub fn apply_nflx_ctc(request: &mut Request, version: &str) -> Result<()> {
    if !NFLX_CTC_VERSIONS.contains(&version) {
        bail!("bad nflx_ctc version {version:?} (expected one of {NFLX_CTC_VERSIONS:?})");
    }
    request.models.push(builtin("vmaf_4k_v0.6.1", "vmaf"));
    request
        .models
        .push(builtin("vmaf_4k_v0.6.1neg", "vmaf_neg"));
    request
        .features
        .push("psnr=enable_chroma=true:enable_apsnr=true".into());
    request
        .features
        .push("float_ssim=enable_db=true:clip_db=true".into());
    request.features.push("cambi".into());
    Ok(())
}

fn builtin(version: &str, name: &str) -> ModelSpec {
    ModelSpec {
        source: crate::model_spec::ModelSource::Builtin(version.into()),
        name: name.into(),
        options: Default::default(),
        overrides: Vec::new(),
    }
}
