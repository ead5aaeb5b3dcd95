//! The Vulkan context: loader, instance, one physical device with a compute queue, the
//! logical device, the memory allocator and a cache of compute pipelines.

use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex, MutexGuard};

use ash::vk;
use gpu_allocator::vulkan::{Allocator, AllocatorCreateDesc};
use gpu_allocator::{AllocationSizes, AllocatorDebugSettings};

use super::pipelines::{Kernel, KernelId};
use super::{gpu_error, VkContext};
use crate::error::Result;

/// What kind of hardware a Vulkan device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceType {
    /// A discrete GPU.
    Discrete,
    /// A GPU integrated with the CPU.
    Integrated,
    /// A virtualised GPU.
    Virtual,
    /// A CPU implementation (for example Mesa's lavapipe).
    Cpu,
    /// Anything else.
    Other,
}

impl DeviceType {
    fn from_vk(kind: vk::PhysicalDeviceType) -> Self {
        match kind {
            vk::PhysicalDeviceType::DISCRETE_GPU => Self::Discrete,
            vk::PhysicalDeviceType::INTEGRATED_GPU => Self::Integrated,
            vk::PhysicalDeviceType::VIRTUAL_GPU => Self::Virtual,
            vk::PhysicalDeviceType::CPU => Self::Cpu,
            _ => Self::Other,
        }
    }

    /// Preference when no device is named: real GPUs before software ones.
    fn rank(self) -> u32 {
        match self {
            Self::Discrete => 0,
            Self::Integrated => 1,
            Self::Virtual => 2,
            Self::Other => 3,
            Self::Cpu => 4,
        }
    }
}

/// A physical device as [`enumerate`](VulkanDevice::enumerate) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VulkanDeviceInfo {
    /// Position in the driver's device list; pass it to [`VulkanDevice::open`].
    pub index: usize,
    /// The driver's device name.
    pub name: String,
    /// PCI vendor id (0x10de NVIDIA, 0x1002 AMD, 0x8086 Intel, 0x10005 Mesa).
    pub vendor_id: u32,
    /// What kind of hardware it is.
    pub device_type: DeviceType,
    /// Whether it can run the VMAFX kernels: Vulkan 1.1, a compute queue and 64-bit
    /// integers in shaders (`shaderInt64`).
    pub usable: bool,
}

/// An open Vulkan device, shared by every extractor that runs on it.
pub struct VulkanDevice {
    name: String,
    vendor_id: u32,
    device_type: DeviceType,
    max_storage_buffer_range: u64,
    queue_family: u32,
    queue: Mutex<vk::Queue>,
    kernels: Mutex<HashMap<KernelId, Arc<Kernel>>>,
    allocator: ManuallyDrop<Mutex<Allocator>>,
    device: ash::Device,
    instance: ash::Instance,
    /// Keeps the loader library loaded while the instance lives; dropped last.
    _entry: ash::Entry,
}

impl std::fmt::Debug for VulkanDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulkanDevice")
            .field("name", &self.name)
            .field("vendor_id", &format_args!("{:#x}", self.vendor_id))
            .field("device_type", &self.device_type)
            .finish()
    }
}

/// Loads the Vulkan loader library; an error (not a crash) where there is none.
fn load_entry() -> Result<ash::Entry> {
    // SAFETY: loading the system's Vulkan loader runs its initialisers, which is the
    // loader's documented use; nothing else is assumed about the library.
    unsafe { ash::Entry::load() }
        .map_err(|e| gpu_error(format!("cannot load the Vulkan loader: {e}")))
}

/// Creates a Vulkan 1.1 instance, with portability enumeration where the loader has it.
fn create_instance(entry: &ash::Entry) -> Result<ash::Instance> {
    // SAFETY: plain queries on a loaded entry.
    let version = unsafe { entry.try_enumerate_instance_version() }
        .vk("query the Vulkan version")?
        .unwrap_or(vk::API_VERSION_1_0);
    if version < vk::API_VERSION_1_1 {
        return Err(gpu_error("the Vulkan loader is older than 1.1".into()));
    }
    // SAFETY: as above.
    let extensions = unsafe { entry.enumerate_instance_extension_properties(None) }
        .vk("list instance extensions")?;
    let portability = vk::KHR_PORTABILITY_ENUMERATION_NAME;
    let has_portability = extensions
        .iter()
        .any(|e| e.extension_name_as_c_str() == Ok(portability));
    let names = if has_portability {
        vec![portability.as_ptr()]
    } else {
        Vec::new()
    };
    let app = vk::ApplicationInfo::default()
        .application_name(c"vmafx")
        .api_version(vk::API_VERSION_1_1);
    let flags = if has_portability {
        vk::InstanceCreateFlags::ENUMERATE_PORTABILITY_KHR
    } else {
        vk::InstanceCreateFlags::empty()
    };
    let info = vk::InstanceCreateInfo::default()
        .application_info(&app)
        .enabled_extension_names(&names)
        .flags(flags);
    // SAFETY: `info` and everything it points to live across the call.
    unsafe { entry.create_instance(&info, None) }.vk("create a Vulkan instance")
}

/// What a physical device offers that matters here.
struct Candidate {
    handle: vk::PhysicalDevice,
    info: VulkanDeviceInfo,
    queue_family: Option<u32>,
    max_storage_buffer_range: u64,
    portability_subset: bool,
}

fn describe(instance: &ash::Instance, index: usize, handle: vk::PhysicalDevice) -> Candidate {
    // SAFETY: `handle` came from this instance's device list.
    let (props, features, families) = unsafe {
        (
            instance.get_physical_device_properties(handle),
            instance.get_physical_device_features(handle),
            instance.get_physical_device_queue_family_properties(handle),
        )
    };
    let name = props
        .device_name_as_c_str()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|_| format!("Vulkan device {index}"));
    let queue_family = families
        .iter()
        .position(|f| f.queue_flags.contains(vk::QueueFlags::COMPUTE))
        .map(|i| i as u32);
    // SAFETY: as above.
    let extensions =
        unsafe { instance.enumerate_device_extension_properties(handle) }.unwrap_or_default();
    let portability_subset = extensions
        .iter()
        .any(|e| e.extension_name_as_c_str() == Ok(vk::KHR_PORTABILITY_SUBSET_NAME));
    let usable = props.api_version >= vk::API_VERSION_1_1
        && queue_family.is_some()
        && features.shader_int64 == vk::TRUE;
    Candidate {
        handle,
        info: VulkanDeviceInfo {
            index,
            name,
            vendor_id: props.vendor_id,
            device_type: DeviceType::from_vk(props.device_type),
            usable,
        },
        queue_family,
        max_storage_buffer_range: u64::from(props.limits.max_storage_buffer_range),
        portability_subset,
    }
}

fn candidates(instance: &ash::Instance) -> Result<Vec<Candidate>> {
    // SAFETY: a plain query on a live instance.
    let handles = unsafe { instance.enumerate_physical_devices() }.vk("list Vulkan devices")?;
    Ok(handles
        .into_iter()
        .enumerate()
        .map(|(i, h)| describe(instance, i, h))
        .collect())
}

/// Explains why a device cannot run the kernels.
fn unusable_reason(c: &Candidate) -> String {
    if c.queue_family.is_none() {
        format!("Vulkan device {:?} has no compute queue", c.info.name)
    } else {
        format!(
            "Vulkan device {:?} lacks Vulkan 1.1 or 64-bit shader integers (shaderInt64), \
             which the exact integer kernels need",
            c.info.name
        )
    }
}

impl VulkanDevice {
    /// Lists the physical devices of every installed Vulkan driver. Fails (without
    /// panicking) where no Vulkan loader or driver is installed.
    pub fn enumerate() -> Result<Vec<VulkanDeviceInfo>> {
        let entry = load_entry()?;
        let instance = create_instance(&entry)?;
        let listed = candidates(&instance);
        // SAFETY: nothing created from the instance outlives this point.
        unsafe { instance.destroy_instance(None) };
        Ok(listed?.into_iter().map(|c| c.info).collect())
    }

    /// Opens device `preferred_index` of [`enumerate`](Self::enumerate)'s list, or the
    /// best usable one (discrete, then integrated GPUs, CPU implementations last).
    pub fn open(preferred_index: Option<usize>) -> Result<Arc<Self>> {
        let entry = load_entry()?;
        let instance = create_instance(&entry)?;
        match Self::open_on(entry, &instance, preferred_index) {
            Ok(device) => Ok(Arc::new(device)),
            Err(e) => {
                // SAFETY: opening failed, so nothing else uses the instance.
                unsafe { instance.destroy_instance(None) };
                Err(e)
            }
        }
    }

    fn open_on(
        entry: ash::Entry,
        instance: &ash::Instance,
        preferred_index: Option<usize>,
    ) -> Result<Self> {
        let all = candidates(instance)?;
        let chosen = match preferred_index {
            Some(i) => {
                let c = all.get(i).ok_or_else(|| {
                    gpu_error(format!(
                        "Vulkan device {i} does not exist ({} found)",
                        all.len()
                    ))
                })?;
                if !c.info.usable {
                    return Err(gpu_error(unusable_reason(c)));
                }
                c
            }
            None => match all
                .iter()
                .filter(|c| c.info.usable)
                .min_by_key(|c| c.info.device_type.rank())
            {
                Some(c) => c,
                None => {
                    return Err(gpu_error(match all.first() {
                        None => "no Vulkan device found".into(),
                        Some(c) => unusable_reason(c),
                    }))
                }
            },
        };
        let queue_family = chosen
            .queue_family
            .expect("usable devices have a compute queue");
        let priorities = [1.0f32];
        let queues = [vk::DeviceQueueCreateInfo::default()
            .queue_family_index(queue_family)
            .queue_priorities(&priorities)];
        let features = vk::PhysicalDeviceFeatures::default().shader_int64(true);
        let extensions = if chosen.portability_subset {
            vec![vk::KHR_PORTABILITY_SUBSET_NAME.as_ptr()]
        } else {
            Vec::new()
        };
        let info = vk::DeviceCreateInfo::default()
            .queue_create_infos(&queues)
            .enabled_features(&features)
            .enabled_extension_names(&extensions);
        // SAFETY: the physical device belongs to `instance`; `info` outlives the call.
        let device = unsafe { instance.create_device(chosen.handle, &info, None) }
            .vk("create the Vulkan device")?;
        // SAFETY: the queue family was requested with one queue above.
        let queue = unsafe { device.get_device_queue(queue_family, 0) };
        let allocator = Allocator::new(&AllocatorCreateDesc {
            instance: instance.clone(),
            device: device.clone(),
            physical_device: chosen.handle,
            debug_settings: AllocatorDebugSettings::default(),
            buffer_device_address: false,
            allocation_sizes: AllocationSizes::default(),
        });
        let allocator = match allocator {
            Ok(a) => a,
            Err(e) => {
                // SAFETY: the device was just created and nothing uses it yet.
                unsafe { device.destroy_device(None) };
                return Err(gpu_error(format!("cannot create the GPU allocator: {e}")));
            }
        };
        Ok(Self {
            name: chosen.info.name.clone(),
            vendor_id: chosen.info.vendor_id,
            device_type: chosen.info.device_type,
            max_storage_buffer_range: chosen.max_storage_buffer_range,
            queue_family,
            queue: Mutex::new(queue),
            kernels: Mutex::new(HashMap::new()),
            allocator: ManuallyDrop::new(Mutex::new(allocator)),
            device,
            instance: instance.clone(),
            _entry: entry,
        })
    }

    /// The driver's device name, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// PCI vendor id of the device.
    pub fn vendor_id(&self) -> u32 {
        self.vendor_id
    }

    /// What kind of hardware the device is.
    pub fn device_type(&self) -> DeviceType {
        self.device_type
    }

    /// The logical device's function table.
    pub(crate) fn raw(&self) -> &ash::Device {
        &self.device
    }

    pub(crate) fn queue_family(&self) -> u32 {
        self.queue_family
    }

    /// Largest storage buffer a kernel may bind.
    pub(crate) fn max_storage_buffer_range(&self) -> u64 {
        self.max_storage_buffer_range
    }

    pub(crate) fn allocator(&self) -> MutexGuard<'_, Allocator> {
        // A panic while holding the allocator leaves it consistent (its methods
        // return errors rather than panicking midway), so poisoning is ignored.
        self.allocator.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Submits one command buffer, signalling `fence` when it completes.
    pub(crate) fn submit(&self, command_buffer: vk::CommandBuffer, fence: vk::Fence) -> Result<()> {
        let buffers = [command_buffer];
        let submit = [vk::SubmitInfo::default().command_buffers(&buffers)];
        let queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: the queue is externally synchronised by the mutex; the command buffer
        // is fully recorded and not pending (callers wait on its fence before reuse).
        unsafe { self.device.queue_submit(*queue, &submit, fence) }.vk("submit GPU work")
    }

    /// The compute pipeline of `id`, built on first use and shared afterwards.
    pub(crate) fn kernel(&self, id: KernelId) -> Result<Arc<Kernel>> {
        let mut cache = self.kernels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(kernel) = cache.get(&id) {
            return Ok(kernel.clone());
        }
        let kernel = Arc::new(Kernel::new(&self.device, id)?);
        cache.insert(id, kernel.clone());
        Ok(kernel)
    }
}

impl Drop for VulkanDevice {
    fn drop(&mut self) {
        // SAFETY: every buffer, pool and extractor holds an `Arc` to this device, so
        // none is left; the pipelines in the cache are destroyed before the device,
        // and the allocator frees its memory blocks before the device goes.
        unsafe {
            let _ = self.device.device_wait_idle();
            self.kernels
                .get_mut()
                .unwrap_or_else(|p| p.into_inner())
                .clear();
            ManuallyDrop::drop(&mut self.allocator);
            self.device.destroy_device(None);
            self.instance.destroy_instance(None);
        }
    }
}
