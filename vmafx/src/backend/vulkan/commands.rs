//! Command recording and the double-buffered frame stream every extractor runs on.
//!
//! Each extractor records its whole per-frame work once, into two command buffers (one
//! per slot), at creation. A frame then costs a copy of its planes into the slot's
//! staging buffers, one queue submission and one fence wait. Batches alternate slots, so
//! that the host packs frame `k + 1` and reads the sums of frame `k - 1` while the device
//! computes frame `k`; on devices with a separate copy engine the upload of `k + 1` also
//! overlaps the kernels of `k`, since each slot has its own input buffers.

use std::sync::Arc;

use ash::vk;

use super::device::VulkanDevice;
use super::memory::{BufferRole, GpuBuffer};
use super::pipelines::{Kernel, KernelId};
use super::{gpu_error, VkContext};
use crate::error::Result;
use crate::frame::{Plane, PlaneRef, Sample};

/// How many frames may be in flight at once.
pub(crate) const SLOTS: usize = 2;

/// Sample layouts of kernel inputs (see `vmafx/kernels/vulkan/include/common.glsl`).
pub(crate) const SAMPLES_U8: u32 = 0;
pub(crate) const SAMPLES_U16: u32 = 1;
pub(crate) const SAMPLES_U32: u32 = 2;

/// Records commands into one command buffer.
pub(crate) struct Recorder<'a> {
    device: &'a ash::Device,
    commands: vk::CommandBuffer,
}

impl Recorder<'_> {
    /// Runs `kernel` over `groups` workgroups, then makes its writes visible to the
    /// next kernel.
    pub fn dispatch(
        &self,
        kernel: &Kernel,
        set: vk::DescriptorSet,
        push: &[u32],
        groups: [u32; 3],
    ) {
        debug_assert_eq!(
            push.len(),
            kernel.push_words() as usize,
            "push constant size"
        );
        let bytes: Vec<u8> = push.iter().flat_map(|w| w.to_le_bytes()).collect();
        // SAFETY: the command buffer is recording; the set was made for this kernel's
        // layout and the push range matches its declared size.
        unsafe {
            self.device.cmd_bind_pipeline(
                self.commands,
                vk::PipelineBindPoint::COMPUTE,
                kernel.pipeline(),
            );
            self.device.cmd_bind_descriptor_sets(
                self.commands,
                vk::PipelineBindPoint::COMPUTE,
                kernel.layout(),
                0,
                &[set],
                &[],
            );
            if !bytes.is_empty() {
                self.device.cmd_push_constants(
                    self.commands,
                    kernel.layout(),
                    vk::ShaderStageFlags::COMPUTE,
                    0,
                    &bytes,
                );
            }
            self.device
                .cmd_dispatch(self.commands, groups[0], groups[1], groups[2]);
        }
        self.barrier(
            vk::PipelineStageFlags::COMPUTE_SHADER,
            vk::AccessFlags::SHADER_WRITE,
        );
    }

    /// Copies all of `source` to the start of `target`.
    pub fn copy(&self, source: &GpuBuffer, target: &GpuBuffer) {
        let region = [vk::BufferCopy::default().size(source.size().min(target.size()))];
        // SAFETY: both buffers are live and large enough for the region.
        unsafe {
            self.device
                .cmd_copy_buffer(self.commands, source.handle(), target.handle(), &region)
        };
    }

    /// Makes the writes of earlier work (`stage`, `access`) visible to later kernels
    /// and transfers; also orders this buffer's work after earlier submissions.
    pub fn barrier(&self, stage: vk::PipelineStageFlags, access: vk::AccessFlags) {
        let memory = [vk::MemoryBarrier::default()
            .src_access_mask(access)
            .dst_access_mask(
                vk::AccessFlags::SHADER_READ
                    | vk::AccessFlags::SHADER_WRITE
                    | vk::AccessFlags::TRANSFER_READ,
            )];
        // SAFETY: the command buffer is recording.
        unsafe {
            self.device.cmd_pipeline_barrier(
                self.commands,
                stage,
                vk::PipelineStageFlags::COMPUTE_SHADER | vk::PipelineStageFlags::TRANSFER,
                vk::DependencyFlags::empty(),
                &memory,
                &[],
                &[],
            )
        };
    }
}

/// One dispatch of a recorded frame.
pub(crate) struct Step {
    pub kernel: KernelId,
    pub set: vk::DescriptorSet,
    pub push: Vec<u32>,
    pub groups: [u32; 3],
}

/// An engine's dispatches for each slot, in order, ready to be recorded.
pub(crate) struct Recording {
    steps: Vec<Vec<Step>>,
}

impl Recording {
    /// Wraps per-slot dispatch lists.
    pub fn new(steps: Vec<Vec<Step>>) -> Self {
        Self { steps }
    }

    /// Runs each of slot 0's dispatches alone and returns its kernel and wall time
    /// (for profiling; the inputs are whatever slot 0 holds).
    #[cfg(test)]
    pub fn time_steps(
        &self,
        device: &VulkanDevice,
    ) -> Result<Vec<(KernelId, std::time::Duration)>> {
        let mut out = Vec::new();
        for step in &self.steps[0] {
            let kernel = device.kernel(step.kernel)?;
            let start = std::time::Instant::now();
            run_once(device, |rec| {
                rec.dispatch(&kernel, step.set, &step.push, step.groups);
                Ok(())
            })?;
            out.push((step.kernel, start.elapsed()));
        }
        Ok(out)
    }

    /// Records `slot`'s dispatches.
    pub fn record(&self, device: &VulkanDevice, slot: usize, rec: &Recorder<'_>) -> Result<()> {
        for step in &self.steps[slot] {
            let kernel = device.kernel(step.kernel)?;
            rec.dispatch(&kernel, step.set, &step.push, step.groups);
        }
        Ok(())
    }
}

/// Workgroups needed to cover `n` items with groups of `size`.
pub(crate) fn groups(n: usize, size: usize) -> u32 {
    n.div_ceil(size) as u32
}

/// A fence and the command buffer it guards.
struct Slot {
    staging: [GpuBuffer; 2],
    inputs: [GpuBuffer; 2],
    commands: vk::CommandBuffer,
    fence: vk::Fence,
    pending: bool,
}

/// The two frame slots of an extractor: staging and device input buffers for two planes,
/// a pre-recorded command buffer and a fence each.
pub(crate) struct FrameStream {
    width: usize,
    height: usize,
    bit_depth: u8,
    slots: Vec<Slot>,
    pool: vk::CommandPool,
    device: Arc<VulkanDevice>,
}

impl FrameStream {
    /// Buffers for pairs of `width x height` planes of `bit_depth` bits.
    pub fn new(
        device: &Arc<VulkanDevice>,
        width: usize,
        height: usize,
        bit_depth: u8,
    ) -> Result<Self> {
        let raw = device.raw();
        let info = vk::CommandPoolCreateInfo::default()
            .queue_family_index(device.queue_family())
            .flags(vk::CommandPoolCreateFlags::RESET_COMMAND_BUFFER);
        // SAFETY: valid create infos on a live device, here and below.
        let pool = unsafe { raw.create_command_pool(&info, None) }.vk("create a command pool")?;
        let mut stream = Self {
            width,
            height,
            bit_depth,
            slots: Vec::with_capacity(SLOTS),
            pool,
            device: device.clone(),
        };
        let bytes = width * height * if bit_depth > 8 { 2 } else { 1 };
        let allocate = vk::CommandBufferAllocateInfo::default()
            .command_pool(pool)
            .level(vk::CommandBufferLevel::PRIMARY)
            .command_buffer_count(SLOTS as u32);
        let commands =
            unsafe { raw.allocate_command_buffers(&allocate) }.vk("allocate command buffers")?;
        for commands in commands {
            let buffer = |role, name| GpuBuffer::new(device, bytes, role, name);
            let staging = [
                buffer(BufferRole::Upload, "staging plane")?,
                buffer(BufferRole::Upload, "staging plane")?,
            ];
            let inputs = [
                buffer(BufferRole::Device, "input plane")?,
                buffer(BufferRole::Device, "input plane")?,
            ];
            let fence = unsafe { raw.create_fence(&vk::FenceCreateInfo::default(), None) }
                .vk("create a fence")?;
            stream.slots.push(Slot {
                staging,
                inputs,
                commands,
                fence,
                pending: false,
            });
        }
        Ok(stream)
    }

    /// The device buffers holding the two planes of `slot`'s frame.
    pub fn inputs(&self, slot: usize) -> [&GpuBuffer; 2] {
        let [a, b] = &self.slots[slot].inputs;
        [a, b]
    }

    /// Bit depth of the input planes.
    pub fn bit_depth(&self) -> u8 {
        self.bit_depth
    }

    /// How the kernels read this stream's input planes.
    pub fn sample_kind(&self) -> u32 {
        if self.bit_depth > 8 {
            SAMPLES_U16
        } else {
            SAMPLES_U8
        }
    }

    /// Records every slot's command buffer: the upload of its planes, then `body`.
    pub fn record(
        &mut self,
        mut body: impl FnMut(usize, &Recorder<'_>) -> Result<()>,
    ) -> Result<()> {
        let raw = self.device.raw();
        for (index, slot) in self.slots.iter().enumerate() {
            let begin = vk::CommandBufferBeginInfo::default();
            // SAFETY: the buffer is not pending (recording happens before any submission).
            unsafe { raw.begin_command_buffer(slot.commands, &begin) }
                .vk("begin a command buffer")?;
            let recorder = Recorder {
                device: raw,
                commands: slot.commands,
            };
            for (staging, input) in slot.staging.iter().zip(&slot.inputs) {
                recorder.copy(staging, input);
            }
            // Also orders this frame's kernels after the previous frame's, which share
            // the intermediate buffers.
            recorder.barrier(
                vk::PipelineStageFlags::TRANSFER | vk::PipelineStageFlags::COMPUTE_SHADER,
                vk::AccessFlags::TRANSFER_WRITE | vk::AccessFlags::SHADER_WRITE,
            );
            body(index, &recorder)?;
            // SAFETY: the buffer is recording.
            unsafe { raw.end_command_buffer(slot.commands) }.vk("end a command buffer")?;
        }
        Ok(())
    }

    /// Checks one plane against the stream's size and sample type.
    fn check(&self, plane: &PlaneRef<'_>, what: &str) -> Result<()> {
        if plane.width() != self.width || plane.height() != self.height {
            return Err(crate::Error::InvalidInput(format!(
                "{what} plane is {}x{}, the extractor was made for {}x{}",
                plane.width(),
                plane.height(),
                self.width,
                self.height
            )));
        }
        if matches!(plane, PlaneRef::U16(_)) != (self.bit_depth > 8) {
            return Err(crate::Error::InvalidInput(format!(
                "{what} plane sample type does not match bit depth {}",
                self.bit_depth
            )));
        }
        Ok(())
    }

    /// Copies two planes into `slot`'s staging buffers; the slot must be idle.
    pub fn write(&mut self, slot: usize, planes: [PlaneRef<'_>; 2]) -> Result<()> {
        for (plane, what) in planes.iter().zip(["first", "second"]) {
            self.check(plane, what)?;
        }
        debug_assert!(!self.slots[slot].pending, "writing a busy slot");
        for (plane, staging) in planes.iter().zip(&mut self.slots[slot].staging) {
            let bytes = staging.bytes_mut();
            match plane {
                PlaneRef::U8(p) => pack(p, bytes, |s, out| out[0] = s),
                PlaneRef::U16(p) => pack(p, bytes, |s, out| out.copy_from_slice(&s.to_le_bytes())),
            }
        }
        Ok(())
    }

    /// Starts `slot`'s recorded work.
    pub fn submit(&mut self, slot: usize) -> Result<()> {
        let slot = &mut self.slots[slot];
        self.device.submit(slot.commands, slot.fence)?;
        slot.pending = true;
        Ok(())
    }

    /// Waits for `slot`'s work to finish.
    pub fn wait(&mut self, slot: usize) -> Result<()> {
        let slot = &mut self.slots[slot];
        if !slot.pending {
            return Ok(());
        }
        let raw = self.device.raw();
        // SAFETY: the fence belongs to this device and was submitted with the work.
        unsafe {
            raw.wait_for_fences(&[slot.fence], true, u64::MAX)
                .vk("wait for the GPU")?;
            raw.reset_fences(&[slot.fence]).vk("reset a fence")?;
        }
        slot.pending = false;
        Ok(())
    }

    /// Runs one pair through slot 0 and returns what `read` makes of its results.
    pub fn run_one<R>(
        &mut self,
        planes: [PlaneRef<'_>; 2],
        read: impl FnOnce(usize) -> Result<R>,
    ) -> Result<R> {
        self.wait(0)?;
        self.write(0, planes)?;
        self.submit(0)?;
        self.wait(0)?;
        read(0)
    }

    /// Runs every pair, alternating slots so that the host prepares and reads one frame
    /// while the device computes the other; results come back in order.
    pub fn run_batch<R>(
        &mut self,
        pairs: &[(PlaneRef<'_>, PlaneRef<'_>)],
        mut read: impl FnMut(usize) -> Result<R>,
    ) -> Result<Vec<R>> {
        let mut results = Vec::with_capacity(pairs.len());
        for slot in 0..SLOTS {
            self.wait(slot)?;
        }
        for (k, &(a, b)) in pairs.iter().enumerate() {
            let slot = k % SLOTS;
            if k >= SLOTS {
                self.wait(slot)?;
                results.push(read(slot)?);
            }
            self.write(slot, [a, b])?;
            self.submit(slot)?;
        }
        let first_unread = pairs.len().saturating_sub(SLOTS);
        for k in first_unread..pairs.len() {
            let slot = k % SLOTS;
            self.wait(slot)?;
            results.push(read(slot)?);
        }
        Ok(results)
    }
}

impl Drop for FrameStream {
    fn drop(&mut self) {
        let raw = self.device.raw();
        // SAFETY: waiting for all pending work first makes destroying the fences and the
        // pool (with its command buffers) safe; the buffers drop after this.
        unsafe {
            let pending: Vec<_> = self
                .slots
                .iter()
                .filter(|s| s.pending)
                .map(|s| s.fence)
                .collect();
            if !pending.is_empty() {
                let _ = raw.wait_for_fences(&pending, true, u64::MAX);
            }
            for slot in &self.slots {
                raw.destroy_fence(slot.fence, None);
            }
            raw.destroy_command_pool(self.pool, None);
        }
    }
}

/// Packs a plane's rows tightly into `out`, `size_of::<T>()` bytes per sample.
fn pack<T: Sample>(plane: &Plane<'_, T>, out: &mut [u8], put: impl Fn(T, &mut [u8])) {
    let step = std::mem::size_of::<T>();
    let row_bytes = plane.width() * step;
    for (y, target) in out
        .chunks_exact_mut(row_bytes)
        .take(plane.height())
        .enumerate()
    {
        for (&sample, bytes) in plane.row(y).iter().zip(target.chunks_exact_mut(step)) {
            put(sample, bytes);
        }
    }
}

/// A device-local buffer filled once with `words` (lookup tables).
pub(crate) fn constant_buffer(
    device: &Arc<VulkanDevice>,
    words: &[u32],
    name: &str,
) -> Result<GpuBuffer> {
    let bytes = words.len() * 4;
    let mut staging = GpuBuffer::new(device, bytes, BufferRole::Upload, name)?;
    for (out, w) in staging.bytes_mut().chunks_exact_mut(4).zip(words) {
        out.copy_from_slice(&w.to_le_bytes());
    }
    let target = GpuBuffer::new(device, bytes, BufferRole::Device, name)?;
    run_once(device, |rec| {
        rec.copy(&staging, &target);
        Ok(())
    })?;
    Ok(target)
}

/// Records commands with `body` into a one-off command buffer, runs them and waits.
pub(crate) fn run_once(
    device: &VulkanDevice,
    body: impl FnOnce(&Recorder<'_>) -> Result<()>,
) -> Result<()> {
    let raw = device.raw();
    let info = vk::CommandPoolCreateInfo::default().queue_family_index(device.queue_family());
    // SAFETY: a short-lived pool, command buffer and fence on a live device; the work is
    // waited for before any of them is destroyed (a failed wait still leaves the device
    // to be idled before the pool goes).
    unsafe {
        let pool = raw
            .create_command_pool(&info, None)
            .vk("create a command pool")?;
        let mut fence = vk::Fence::null();
        let result = (|| {
            let allocate = vk::CommandBufferAllocateInfo::default()
                .command_pool(pool)
                .level(vk::CommandBufferLevel::PRIMARY)
                .command_buffer_count(1);
            let commands = raw
                .allocate_command_buffers(&allocate)
                .vk("allocate a command buffer")?[0];
            let begin = vk::CommandBufferBeginInfo::default()
                .flags(vk::CommandBufferUsageFlags::ONE_TIME_SUBMIT);
            raw.begin_command_buffer(commands, &begin)
                .vk("begin a command buffer")?;
            body(&Recorder {
                device: raw,
                commands,
            })?;
            raw.end_command_buffer(commands)
                .vk("end a command buffer")?;
            fence = raw
                .create_fence(&vk::FenceCreateInfo::default(), None)
                .vk("create a fence")?;
            device.submit(commands, fence)?;
            raw.wait_for_fences(&[fence], true, u64::MAX)
                .vk("wait for the GPU")
        })();
        if result.is_err() {
            let _ = raw.device_wait_idle();
        }
        raw.destroy_fence(fence, None);
        raw.destroy_command_pool(pool, None);
        result
    }
}

/// Fetches the kernels an engine records with.
pub(crate) fn kernels<const N: usize>(
    device: &VulkanDevice,
    ids: [KernelId; N],
) -> Result<[Arc<Kernel>; N]> {
    let mut out = Vec::with_capacity(N);
    for id in ids {
        out.push(device.kernel(id)?);
    }
    out.try_into()
        .map_err(|_| gpu_error("kernel list length".into()))
}
