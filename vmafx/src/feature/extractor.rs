//! Live extractor instances behind one interface: each writes its values, in the
//! order of its output names, into a frame's value row.

use crate::error::Result;
use crate::feature::registry::{ExtractorKind, FeatureRequest};
use crate::feature::{
    adm, cambi, ciede, float_adm, float_motion, float_vif, motion, ms_ssim, psnr, ssim, vif,
};
use crate::frame::{FrameFormat, FrameView};

/// An extractor whose values depend on one frame pair only.
pub(crate) enum SpatialExtractor {
    IntegerVif(Box<vif::VifExtractor>),
    IntegerAdm(Box<adm::AdmExtractor>),
    FloatVif(Box<float_vif::FloatVifExtractor>),
    FloatAdm(Box<float_adm::FloatAdmExtractor>),
    Psnr(Box<psnr::PsnrExtractor>),
    FloatSsim(Box<ssim::SsimExtractor>),
    FloatMsSsim(Box<ms_ssim::MsSsimExtractor>),
    Ciede(Box<ciede::CiedeExtractor>),
    Cambi(Box<cambi::CambiExtractor>),
    #[cfg(feature = "vulkan")]
    VulkanVif(Box<crate::backend::vulkan::VulkanVif>),
    #[cfg(feature = "vulkan")]
    VulkanAdm(Box<crate::backend::vulkan::VulkanAdm>),
    #[cfg(feature = "compute")]
    ComputeVif(Box<crate::backend::compute::ComputeVif>),
    #[cfg(feature = "compute")]
    ComputeAdm(Box<crate::backend::compute::ComputeAdm>),
}

/// The device the chosen backend opened, which the extractors that can use it run on.
#[derive(Clone, Default)]
pub(crate) enum Devices {
    /// Everything on the CPU.
    #[default]
    Cpu,
    /// A Vulkan device.
    #[cfg(feature = "vulkan")]
    Vulkan(std::sync::Arc<crate::backend::vulkan::VulkanDevice>),
    /// A CUDA, HIP or SYCL device (or, in tests, the host emulator).
    #[cfg(feature = "compute")]
    // With only the emulator compiled in, tests alone make this variant.
    #[cfg_attr(
        not(any(feature = "cuda", feature = "hip", feature = "sycl")),
        allow(dead_code)
    )]
    Compute(std::sync::Arc<dyn crate::backend::compute::ComputeDevice>),
}

impl Devices {
    /// Opens the device of a GPU backend choice; nothing for the CPU.
    pub(crate) fn open(choice: &crate::backend::BackendChoice) -> Result<Self> {
        use crate::backend::BackendKind;
        match choice.kind {
            BackendKind::Cpu => Ok(Self::Cpu),
            #[cfg(feature = "vulkan")]
            BackendKind::Vulkan => Ok(Self::Vulkan(crate::backend::vulkan::VulkanDevice::open(
                None,
            )?)),
            #[cfg(any(feature = "cuda", feature = "hip", feature = "sycl"))]
            kind @ (BackendKind::Cuda | BackendKind::Hip | BackendKind::Sycl) => {
                Ok(Self::Compute(crate::backend::open_compute(kind)?))
            }
            other => Err(crate::Error::Backend(format!(
                "{other}: the scorer cannot use this backend in this build"
            ))),
        }
    }
}

/// An extractor that sees every frame in order and may answer for a frame later.
pub(crate) enum TemporalExtractor {
    IntegerMotion(Box<motion::MotionExtractor>),
    FloatMotion(Box<float_motion::FloatMotionExtractor>),
}

/// Internal names of the features a request yields for frames of `format`.
pub(crate) fn outputs(request: &FeatureRequest, format: &FrameFormat) -> Vec<&'static str> {
    let all = request.kind.provided_features();
    if request.kind == ExtractorKind::Cambi && request.options.get("full_ref") == Some(&1.0) {
        return vec![all[0], "cambi_source", "cambi_full_reference"];
    }
    if request.kind == ExtractorKind::Psnr {
        let chroma_off = request.options.get("enable_chroma") == Some(&0.0);
        if chroma_off || format.plane_count() == 1 {
            return all[..1].to_vec();
        }
    }
    all.to_vec()
}

/// Either kind of extractor, as built from a request.
pub(crate) enum Extractor {
    Spatial(SpatialExtractor),
    Temporal(TemporalExtractor),
}

impl Extractor {
    /// Builds the extractor a request names, validating its options.
    pub(crate) fn new(
        request: &FeatureRequest,
        format: &FrameFormat,
        devices: &Devices,
    ) -> Result<Self> {
        use SpatialExtractor as S;
        use TemporalExtractor as T;
        let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
        let opts = &request.options;
        let takes_words = matches!(request.kind, ExtractorKind::FloatVif | ExtractorKind::Cambi);
        if let Some(key) = request.text_options.keys().next().filter(|_| !takes_words) {
            return Err(crate::Error::Feature(format!(
                "option {key:?} of feature {} takes a number",
                request.kind.name()
            )));
        }
        Ok(match (request.kind, devices) {
            #[cfg(feature = "vulkan")]
            (ExtractorKind::IntegerVif, Devices::Vulkan(device)) => {
                let options = vif::VifOptions::from_dict(opts)?;
                let device = device.clone();
                let x = crate::backend::vulkan::VulkanVif::new(device, w, h, depth, options)?;
                Self::Spatial(S::VulkanVif(Box::new(x)))
            }
            #[cfg(feature = "vulkan")]
            (ExtractorKind::IntegerAdm, Devices::Vulkan(device)) => {
                let options = adm::AdmOptions::from_dict(opts)?;
                let device = device.clone();
                let x = crate::backend::vulkan::VulkanAdm::new(device, w, h, depth, options)?;
                Self::Spatial(S::VulkanAdm(Box::new(x)))
            }
            #[cfg(feature = "vulkan")]
            (ExtractorKind::IntegerMotion, Devices::Vulkan(device)) => {
                let options = motion::MotionOptions::from_dict(opts)?;
                let device = device.clone();
                let gpu = crate::backend::vulkan::VulkanMotion::new(device, w, h, depth)?;
                let x = motion::MotionExtractor::with_gpu(w, h, depth, options, Box::new(gpu))?;
                Self::Temporal(T::IntegerMotion(Box::new(x)))
            }
            #[cfg(feature = "compute")]
            (ExtractorKind::IntegerVif, Devices::Compute(device)) => {
                let options = vif::VifOptions::from_dict(opts)?;
                let x = crate::backend::compute::ComputeVif::new(device, w, h, depth, options)?;
                Self::Spatial(S::ComputeVif(Box::new(x)))
            }
            #[cfg(feature = "compute")]
            (ExtractorKind::IntegerAdm, Devices::Compute(device)) => {
                let options = adm::AdmOptions::from_dict(opts)?;
                let x = crate::backend::compute::ComputeAdm::new(device, w, h, depth, options)?;
                Self::Spatial(S::ComputeAdm(Box::new(x)))
            }
            #[cfg(feature = "compute")]
            (ExtractorKind::IntegerMotion, Devices::Compute(device)) => {
                let options = motion::MotionOptions::from_dict(opts)?;
                let gpu = crate::backend::compute::ComputeMotion::new(device, w, h, depth)?;
                let x = motion::MotionExtractor::with_gpu(w, h, depth, options, Box::new(gpu))?;
                Self::Temporal(T::IntegerMotion(Box::new(x)))
            }
            (ExtractorKind::IntegerVif, _) => {
                let options = vif::VifOptions::from_dict(opts)?;
                Self::Spatial(S::IntegerVif(Box::new(vif::VifExtractor::new(
                    w, h, depth, options,
                )?)))
            }
            (ExtractorKind::IntegerAdm, _) => {
                let options = adm::AdmOptions::from_dict(opts)?;
                Self::Spatial(S::IntegerAdm(Box::new(adm::AdmExtractor::new(
                    w, h, depth, options,
                )?)))
            }
            (ExtractorKind::IntegerMotion, _) => {
                let options = motion::MotionOptions::from_dict(opts)?;
                let x = motion::MotionExtractor::new(w, h, depth, options)?;
                Self::Temporal(T::IntegerMotion(Box::new(x)))
            }
            (ExtractorKind::FloatVif, _) => {
                let mut options = float_vif::FloatVifOptions::from_dict(opts)?;
                for (key, value) in &request.text_options {
                    options.set_text(key, value)?;
                }
                let x = float_vif::FloatVifExtractor::new(w, h, depth, options)?;
                Self::Spatial(S::FloatVif(Box::new(x)))
            }
            (ExtractorKind::FloatAdm, _) => {
                let options = float_adm::FloatAdmOptions::from_dict(opts)?;
                let x = float_adm::FloatAdmExtractor::new(w, h, depth, options)?;
                Self::Spatial(S::FloatAdm(Box::new(x)))
            }
            (ExtractorKind::FloatMotion, _) => {
                let options = float_motion::FloatMotionOptions::from_dict(opts)?;
                let x = float_motion::FloatMotionExtractor::new(w, h, depth, options)?;
                Self::Temporal(T::FloatMotion(Box::new(x)))
            }
            (ExtractorKind::Psnr, _) => {
                let options = psnr::PsnrOptions::from_dict(opts)?;
                Self::Spatial(S::Psnr(Box::new(psnr::PsnrExtractor::new(
                    format, options,
                )?)))
            }
            (ExtractorKind::FloatSsim, _) => {
                let options = ssim::SsimOptions::from_dict(opts)?;
                Self::Spatial(S::FloatSsim(Box::new(ssim::SsimExtractor::new(
                    format, options,
                )?)))
            }
            (ExtractorKind::FloatMsSsim, _) => {
                let options = ms_ssim::MsSsimOptions::from_dict(opts)?;
                let x = ms_ssim::MsSsimExtractor::new(format, options)?;
                Self::Spatial(S::FloatMsSsim(Box::new(x)))
            }
            (ExtractorKind::Ciede, _) => {
                let options = ciede::CiedeOptions::from_dict(opts)?;
                Self::Spatial(S::Ciede(Box::new(ciede::CiedeExtractor::new(
                    format, options,
                )?)))
            }
            (ExtractorKind::Cambi, _) => {
                let mut options = cambi::CambiOptions::from_dict(opts)?;
                for (key, value) in &request.text_options {
                    options.set(key, value)?;
                }
                Self::Spatial(S::Cambi(Box::new(cambi::CambiExtractor::new(
                    format, options,
                )?)))
            }
        })
    }
}

impl SpatialExtractor {
    /// Extracts one frame pair's values into `out` (as long as the extractor's outputs).
    pub(crate) fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        match self {
            Self::IntegerVif(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out.copy_from_slice(&s.scale);
            }
            Self::IntegerAdm(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out[..3].copy_from_slice(&[s.adm2, s.aim, s.adm3]);
                out[3..].copy_from_slice(&s.scale);
            }
            #[cfg(feature = "vulkan")]
            Self::VulkanVif(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out.copy_from_slice(&s.scale);
            }
            #[cfg(feature = "vulkan")]
            Self::VulkanAdm(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out[..3].copy_from_slice(&[s.adm2, s.aim, s.adm3]);
                out[3..].copy_from_slice(&s.scale);
            }
            #[cfg(feature = "compute")]
            Self::ComputeVif(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out.copy_from_slice(&s.scale);
            }
            #[cfg(feature = "compute")]
            Self::ComputeAdm(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out[..3].copy_from_slice(&[s.adm2, s.aim, s.adm3]);
                out[3..].copy_from_slice(&s.scale);
            }
            Self::FloatVif(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out.copy_from_slice(&s.scale);
            }
            Self::FloatAdm(x) => {
                let s = x.extract(reference.luma(), distorted.luma())?;
                out[..3].copy_from_slice(&[s.adm2, s.aim, s.adm3]);
                out[3..].copy_from_slice(&s.scale);
            }
            Self::Psnr(x) => {
                let s = x.extract(reference, distorted)?;
                out[0] = s.y;
                if let (Some(cb), Some(cr)) = (s.cb, s.cr) {
                    out[1..].copy_from_slice(&[cb, cr]);
                }
            }
            Self::FloatSsim(x) => out[0] = x.extract(reference, distorted)?,
            Self::FloatMsSsim(x) => out[0] = x.extract(reference, distorted)?,
            Self::Ciede(x) => out[0] = x.extract(reference, distorted)?,
            Self::Cambi(x) => {
                let s = x.extract(reference, distorted)?;
                out[0] = s.cambi;
                if let (Some(source), Some(full)) = (s.cambi_source, s.cambi_full_reference) {
                    out[1..].copy_from_slice(&[source, full]);
                }
            }
        }
        Ok(())
    }
}

/// Values a temporal extractor produced for an earlier (or the current) frame.
pub(crate) struct TemporalValues {
    /// Index among the frames pushed to the extractor.
    pub frame: u64,
    /// Values in the order of the extractor's outputs.
    pub values: Vec<f64>,
}

impl TemporalExtractor {
    /// Feeds the next frame pair; returns values for the frames that became complete.
    pub(crate) fn push(
        &mut self,
        reference: &FrameView<'_>,
        _distorted: &FrameView<'_>,
    ) -> Result<Vec<TemporalValues>> {
        let mut ready = Vec::new();
        match self {
            Self::IntegerMotion(x) => {
                ready.extend(x.push(reference.luma())?.map(motion_values));
                while let Some(v) = x.pop() {
                    ready.push(motion_values(v));
                }
            }
            Self::FloatMotion(x) => {
                ready.extend(x.push_frame(reference)?.map(float_motion_values));
                while let Some(v) = x.pop() {
                    ready.push(float_motion_values(v));
                }
            }
        }
        Ok(ready)
    }

    /// After the last frame: values for a frame still waiting, until `None`.
    pub(crate) fn flush(&mut self) -> Result<Option<TemporalValues>> {
        Ok(match self {
            Self::IntegerMotion(x) => x.flush().map(motion_values),
            Self::FloatMotion(x) => x.flush().map(float_motion_values),
        })
    }
}

fn motion_values((frame, s): (u64, motion::MotionScores)) -> TemporalValues {
    TemporalValues {
        frame,
        values: vec![s.sad, s.motion2, s.motion3],
    }
}

fn float_motion_values((frame, s): (u64, float_motion::FloatMotionScores)) -> TemporalValues {
    TemporalValues {
        frame,
        values: vec![s.motion, s.motion2, s.motion3],
    }
}
