//! The declarations of Debian's `libsvm/svm.h` (libsvm 3.x) that the trainer calls.
//!
//! The model struct stays opaque: models go through libsvm's own text format
//! (`svm_save_model` / `svm_load_model`), which is also what a VMAF model file embeds.

use std::os::raw::{c_char, c_double, c_int};

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

extern "C" {
    pub fn svm_train(prob: *const SvmProblem, param: *const SvmParameter) -> *mut SvmModel;
    pub fn svm_save_model(file_name: *const c_char, model: *const SvmModel) -> c_int;
    pub fn svm_load_model(file_name: *const c_char) -> *mut SvmModel;
    pub fn svm_predict(model: *const SvmModel, x: *const SvmNode) -> c_double;
    pub fn svm_free_and_destroy_model(model: *mut *mut SvmModel);
    pub fn svm_check_parameter(
        prob: *const SvmProblem,
        param: *const SvmParameter,
    ) -> *const c_char;
    pub fn svm_set_print_string_function(print: Option<extern "C" fn(*const c_char)>);
}
