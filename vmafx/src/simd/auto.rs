//! "Write the loop once, compile it per level" for float kernels that the compiler
//! vectorises on its own. [`per_level!`] declares a dispatcher that runs a plain Rust
//! body inside one `#[target_feature]` entry point per x86 level, so the same source is
//! compiled with 256-bit (AVX2) and 512-bit (AVX-512) vectors, and runs the scalar
//! reference at [`CpuLevel::Scalar`](crate::cpu::CpuLevel::Scalar).
//!
//! Exactness: every lane performs the same IEEE operations in the same order as the
//! scalar build of that body. Rust never contracts a multiply and an add into an FMA nor
//! reassociates float arithmetic, so wider vectors change speed, never bits. Bodies must
//! be `#[inline(always)]` (so they compile inside the entry point) and keep their hot
//! loops out of closures (a closure that is not inlined loses the target features).

/// Declares `fn $name(level: CpuLevel, args...) -> ret` that calls `$vector(args...)`
/// compiled for AVX-512 or AVX2 when `level` asks for one the processor supports, and
/// `$scalar(args...)` otherwise.
macro_rules! per_level {
    (
        $(#[$meta:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? {
            scalar: $scalar:path,
            vector: $vector:path $(,)?
        }
    ) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)] // the arguments of the wrapped kernel
        $vis fn $name(level: $crate::cpu::CpuLevel, $($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                use $crate::cpu::CpuLevel;

                /// # Safety
                /// The processor must support AVX-512 F/BW/DQ/VL (which implies AVX2).
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn avx512($($arg: $ty),*) $(-> $ret)? {
                    $vector($($arg),*)
                }

                /// # Safety
                /// The processor must support AVX2 and FMA.
                #[target_feature(enable = "avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn avx2($($arg: $ty),*) $(-> $ret)? {
                    $vector($($arg),*)
                }

                match level {
                    // SAFETY: the processor supports the level just checked.
                    CpuLevel::Avx512 if CpuLevel::Avx512.is_supported() => {
                        return unsafe { avx512($($arg),*) };
                    }
                    // SAFETY: as above; an AVX-512 request on a processor without it
                    // falls to the best level below.
                    CpuLevel::Avx512 | CpuLevel::Avx2 if CpuLevel::Avx2.is_supported() => {
                        return unsafe { avx2($($arg),*) };
                    }
                    _ => {}
                }
            }
            let _ = level;
            $scalar($($arg),*)
        }
    };
}

pub(crate) use per_level;
