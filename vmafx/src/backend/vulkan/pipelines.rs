//! Compute pipelines built from the committed SPIR-V, and descriptor sets binding
//! buffers to them.

use std::io::Cursor;
use std::sync::Arc;

use ash::vk;

use super::device::VulkanDevice;
use super::memory::GpuBuffer;
use super::{gpu_error, VkContext};
use crate::error::Result;

/// Embeds a kernel's committed SPIR-V (built by `vmafx/kernels/vulkan/build.sh`).
macro_rules! spirv {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/kernels/vulkan/spv/",
            $name,
            ".spv"
        ))
    };
}

/// Every compute kernel, with its interface: storage-buffer bindings and push-constant
/// words (all `uint`). VIF kernels are specialised for one scale (the next scale for
/// decimation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum KernelId {
    MotionVertical,
    MotionSad,
    VifVertical(u32),
    VifStatistics(u32),
    VifDecimateVertical(u32),
    VifDecimateHorizontal(u32),
    AdmDwt,
    AdmDecouple,
    AdmMask,
    AdmDenominator,
    #[cfg(test)]
    SoftfloatProbe,
}

impl KernelId {
    fn spirv(self) -> &'static [u8] {
        match self {
            Self::MotionVertical => spirv!("motion_vertical"),
            Self::MotionSad => spirv!("motion_sad"),
            Self::VifVertical(_) => spirv!("vif_vertical"),
            Self::VifStatistics(_) => spirv!("vif_statistics"),
            Self::VifDecimateVertical(_) => spirv!("vif_decimate_vertical"),
            Self::VifDecimateHorizontal(_) => spirv!("vif_decimate_horizontal"),
            Self::AdmDwt => spirv!("adm_dwt"),
            Self::AdmDecouple => spirv!("adm_decouple"),
            Self::AdmMask => spirv!("adm_mask"),
            Self::AdmDenominator => spirv!("adm_denominator"),
            #[cfg(test)]
            Self::SoftfloatProbe => spirv!("softfloat_probe"),
        }
    }

    /// The value of specialisation constant 0, for kernels that have one.
    fn specialisation(self) -> Option<u32> {
        match self {
            Self::VifVertical(s)
            | Self::VifStatistics(s)
            | Self::VifDecimateVertical(s)
            | Self::VifDecimateHorizontal(s) => Some(s),
            _ => None,
        }
    }

    /// (storage buffers, push-constant words).
    fn interface(self) -> (u32, u32) {
        match self {
            Self::MotionVertical => (3, 4),
            Self::MotionSad => (2, 3),
            Self::VifVertical(_) => (7, 5),
            Self::VifStatistics(_) => (7, 7),
            Self::VifDecimateVertical(_) => (4, 4),
            Self::VifDecimateHorizontal(_) => (4, 2),
            Self::AdmDwt => (2, 5),
            Self::AdmDecouple => (4, 6),
            Self::AdmMask => (3, 14),
            Self::AdmDenominator => (2, 10),
            #[cfg(test)]
            Self::SoftfloatProbe => (2, 1),
        }
    }
}

/// A compute pipeline and its layouts. Kernels live in the device's cache until the
/// device is destroyed: engines use them only while recording and keep no reference.
pub(crate) struct Kernel {
    device: ash::Device,
    set_layout: vk::DescriptorSetLayout,
    layout: vk::PipelineLayout,
    pipeline: vk::Pipeline,
    bindings: u32,
    push_words: u32,
}

impl Kernel {
    /// Builds the pipeline of `id` on `device`.
    pub fn new(device: &ash::Device, id: KernelId) -> Result<Self> {
        let (bindings, push_words) = id.interface();
        let code = ash::util::read_spv(&mut Cursor::new(id.spirv()))
            .map_err(|e| gpu_error(format!("invalid SPIR-V for {id:?}: {e}")))?;
        let binding_info: Vec<_> = (0..bindings)
            .map(|b| {
                vk::DescriptorSetLayoutBinding::default()
                    .binding(b)
                    .descriptor_type(vk::DescriptorType::STORAGE_BUFFER)
                    .descriptor_count(1)
                    .stage_flags(vk::ShaderStageFlags::COMPUTE)
            })
            .collect();
        let mut kernel = Self {
            device: device.clone(),
            set_layout: vk::DescriptorSetLayout::null(),
            layout: vk::PipelineLayout::null(),
            pipeline: vk::Pipeline::null(),
            bindings,
            push_words,
        };
        // Each handle is stored as soon as it exists, so Drop cleans up after a failure.
        let info = vk::DescriptorSetLayoutCreateInfo::default().bindings(&binding_info);
        // SAFETY: valid create infos on a live device, here and below.
        kernel.set_layout = unsafe { device.create_descriptor_set_layout(&info, None) }
            .vk("create a descriptor set layout")?;
        let set_layouts = [kernel.set_layout];
        let ranges = [vk::PushConstantRange::default()
            .stage_flags(vk::ShaderStageFlags::COMPUTE)
            .size(4 * push_words)];
        let layout_info = vk::PipelineLayoutCreateInfo::default()
            .set_layouts(&set_layouts)
            .push_constant_ranges(if push_words > 0 { &ranges } else { &[] });
        kernel.layout = unsafe { device.create_pipeline_layout(&layout_info, None) }
            .vk("create a pipeline layout")?;
        let module_info = vk::ShaderModuleCreateInfo::default().code(&code);
        let module = unsafe { device.create_shader_module(&module_info, None) }
            .vk("create a shader module")?;
        let constant = id.specialisation().unwrap_or(0).to_le_bytes();
        let entries = [vk::SpecializationMapEntry::default()
            .constant_id(0)
            .offset(0)
            .size(4)];
        let specialisation = vk::SpecializationInfo::default()
            .map_entries(&entries)
            .data(&constant);
        let mut stage = vk::PipelineShaderStageCreateInfo::default()
            .stage(vk::ShaderStageFlags::COMPUTE)
            .module(module)
            .name(c"main");
        if id.specialisation().is_some() {
            stage = stage.specialization_info(&specialisation);
        }
        let pipeline_info = [vk::ComputePipelineCreateInfo::default()
            .stage(stage)
            .layout(kernel.layout)];
        let pipelines = unsafe {
            device.create_compute_pipelines(vk::PipelineCache::null(), &pipeline_info, None)
        };
        // SAFETY: the module is only needed while the pipeline is created.
        unsafe { device.destroy_shader_module(module, None) };
        kernel.pipeline = pipelines
            .map_err(|(_, e)| e)
            .vk("create a compute pipeline")?[0];
        Ok(kernel)
    }

    pub fn pipeline(&self) -> vk::Pipeline {
        self.pipeline
    }

    pub fn layout(&self) -> vk::PipelineLayout {
        self.layout
    }

    pub fn push_words(&self) -> u32 {
        self.push_words
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        // SAFETY: kernels are dropped from the device's cache when the device goes
        // idle and is destroyed; null handles are ignored by Vulkan.
        unsafe {
            self.device.destroy_pipeline(self.pipeline, None);
            self.device.destroy_pipeline_layout(self.layout, None);
            self.device
                .destroy_descriptor_set_layout(self.set_layout, None);
        }
    }
}

/// A descriptor pool from which an engine takes its sets once, at creation.
pub(crate) struct DescriptorArena {
    device: Arc<VulkanDevice>,
    pool: vk::DescriptorPool,
}

impl DescriptorArena {
    /// A pool for up to `sets` sets with `buffers` storage buffers in all.
    pub fn new(device: &Arc<VulkanDevice>, sets: u32, buffers: u32) -> Result<Self> {
        let sizes = [vk::DescriptorPoolSize::default()
            .ty(vk::DescriptorType::STORAGE_BUFFER)
            .descriptor_count(buffers.max(1))];
        let info = vk::DescriptorPoolCreateInfo::default()
            .max_sets(sets.max(1))
            .pool_sizes(&sizes);
        // SAFETY: a valid create info on a live device.
        let pool = unsafe { device.raw().create_descriptor_pool(&info, None) }
            .vk("create a descriptor pool")?;
        Ok(Self {
            device: device.clone(),
            pool,
        })
    }

    /// A set binding `buffers` (in binding order) for `kernel`.
    pub fn bind(&self, kernel: &Kernel, buffers: &[&GpuBuffer]) -> Result<vk::DescriptorSet> {
        if buffers.len() != kernel.bindings as usize {
            return Err(gpu_error(format!(
                "a kernel with {} bindings was given {} buffers",
                kernel.bindings,
                buffers.len()
            )));
        }
        let layouts = [kernel.set_layout];
        let info = vk::DescriptorSetAllocateInfo::default()
            .descriptor_pool(self.pool)
            .set_layouts(&layouts);
        // SAFETY: the pool and layout are live; pools are sized by their users.
        let set = unsafe { self.device.raw().allocate_descriptor_sets(&info) }
            .vk("allocate a descriptor set")?[0];
        let infos: Vec<[vk::DescriptorBufferInfo; 1]> = buffers
            .iter()
            .map(|b| {
                [vk::DescriptorBufferInfo::default()
                    .buffer(b.handle())
                    .offset(0)
                    .range(vk::WHOLE_SIZE)]
            })
            .collect();
        let writes: Vec<_> = infos
            .iter()
            .enumerate()
            .map(|(i, info)| {
                vk::WriteDescriptorSet::default()
                    .dst_set(set)
                    .dst_binding(i as u32)
                    .descriptor_type(vk::DescriptorType::STORAGE_BUFFER)
                    .buffer_info(info)
            })
            .collect();
        // SAFETY: every write names a live buffer and a binding of the set's layout.
        unsafe { self.device.raw().update_descriptor_sets(&writes, &[]) };
        Ok(set)
    }
}

impl Drop for DescriptorArena {
    fn drop(&mut self) {
        // SAFETY: the owning engine is dropped only after its work has completed.
        unsafe { self.device.raw().destroy_descriptor_pool(self.pool, None) };
    }
}
