//! Links Debian's libsvm (`libsvm-dev`), the nu-SVR solver the trainer calls.
//!
//! The static archive is linked, so binaries need no libsvm at run time; libsvm is C++,
//! hence the C++ runtime. The archive is left for the final link to find (`-bundle`),
//! where the system's library folders are searched.

fn main() {
    println!("cargo:rustc-link-lib=static:-bundle=svm");
    println!("cargo:rustc-link-lib=dylib=stdc++");
    println!("cargo:rerun-if-changed=build.rs");
}
