//! libsvm's C interface (`svm.h` of libsvm 3.x), opened at run time.
//!
//! The library is loaded on first use, so building needs no libsvm and only training
//! does: Debian's `libsvm3` package (`libsvm.so.3`), or the file `VMAFX_LIBSVM` names.
//! The model struct stays opaque: models go through libsvm's own text format
//! (`svm_save_model` / `svm_load_model`), which is also what a VMAF model file embeds.

use std::os::raw::{c_char, c_double, c_int};
use std::sync::OnceLock;

/// `svm_type` of nu-SVR.
pub const NU_SVR: c_int = 4;
/// `kernel_type` of the radial basis function kernel.
pub const RBF: c_int = 2;

/// One non-zero feature value; a vector ends with index -1.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SvmNode {
    pub index: c_int,
    pub value: c_double,
}

/// A training set: `l` targets and `l` node vectors.
#[repr(C)]
pub struct SvmProblem {
    pub l: c_int,
    pub y: *mut c_double,
    pub x: *mut *mut SvmNode,
}

/// Solver settings, field for field as `struct svm_parameter`.
#[repr(C)]
pub struct SvmParameter {
    pub svm_type: c_int,
    pub kernel_type: c_int,
    pub degree: c_int,
    pub gamma: c_double,
    pub coef0: c_double,
    pub cache_size: c_double,
    pub eps: c_double,
    pub c: c_double,
    pub nr_weight: c_int,
    pub weight_label: *mut c_int,
    pub weight: *mut c_double,
    pub nu: c_double,
    pub p: c_double,
    pub shrinking: c_int,
    pub probability: c_int,
}

/// `struct svm_model`, only ever handled through pointers.
#[repr(C)]
pub struct SvmModel {
    _opaque: [u8; 0],
}

/// The entry points the trainer calls.
pub struct Api {
    pub train: unsafe extern "C" fn(*const SvmProblem, *const SvmParameter) -> *mut SvmModel,
    pub save_model: unsafe extern "C" fn(*const c_char, *const SvmModel) -> c_int,
    pub load_model: unsafe extern "C" fn(*const c_char) -> *mut SvmModel,
    pub predict: unsafe extern "C" fn(*const SvmModel, *const SvmNode) -> c_double,
    pub free_and_destroy_model: unsafe extern "C" fn(*mut *mut SvmModel),
    pub check_parameter:
        unsafe extern "C" fn(*const SvmProblem, *const SvmParameter) -> *const c_char,
    /// Kept so the function pointers above stay valid for the life of the process.
    _library: libloading::Library,
}

/// The names tried, in order, when `VMAFX_LIBSVM` is unset.
const CANDIDATES: [&str; 4] = ["libsvm.so.3", "libsvm.so", "libsvm.3.dylib", "libsvm.dylib"];

static API: OnceLock<Result<Api, String>> = OnceLock::new();

extern "C" fn discard_output(_: *const c_char) {}

/// libsvm, loaded on first use; the error says what was tried and how to install it.
pub fn api() -> Result<&'static Api, String> {
    API.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Api, String> {
    let names: Vec<String> = match std::env::var_os("VMAFX_LIBSVM") {
        Some(path) => vec![path.to_string_lossy().into_owned()],
        None => CANDIDATES.iter().map(|s| (*s).to_owned()).collect(),
    };
    let mut failures = Vec::new();
    for name in &names {
        // SAFETY: loading libsvm runs no initialisation code with preconditions.
        match unsafe { libloading::Library::new(name) } {
            Ok(library) => return bind(library).map_err(|e| format!("{name}: {e}")),
            Err(error) => failures.push(format!("{name}: {error}")),
        }
    }
    Err(format!(
        "cannot be loaded ({}); install it (Debian: apt-get install libsvm3) or set \
         VMAFX_LIBSVM to the library file",
        failures.join("; ")
    ))
}

fn bind(library: libloading::Library) -> Result<Api, libloading::Error> {
    // SAFETY: the symbols are libsvm 3.x's, with the signatures `svm.h` declares.
    unsafe {
        let api = Api {
            train: *library.get(b"svm_train\0")?,
            save_model: *library.get(b"svm_save_model\0")?,
            load_model: *library.get(b"svm_load_model\0")?,
            predict: *library.get(b"svm_predict\0")?,
            free_and_destroy_model: *library.get(b"svm_free_and_destroy_model\0")?,
            check_parameter: *library.get(b"svm_check_parameter\0")?,
            _library: library,
        };
        let set_print: libloading::Symbol<
            unsafe extern "C" fn(Option<extern "C" fn(*const c_char)>),
        > = api._library.get(b"svm_set_print_string_function\0")?;
        // libsvm reports solver progress on stdout unless told otherwise.
        set_print(Some(discard_output));
        Ok(api)
    }
}
