//! The server's `file://` URI handling: `file_uri_path` on arbitrary text, then
//! `Roots::resolve_uri` against a scratch root holding a file, a folder, a symlink to
//! that file and a symlink that escapes the root.
//!
//! Beyond "no panic", it checks the property the module exists for: an accepted path
//! is a regular file under the root.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vmafx_server_parsing::paths::{file_uri_path, Roots};

struct Sandbox {
    roots: Roots,
    canonical_root: PathBuf,
}

fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("vmafx-fuzz-roots-{}", std::process::id()));
        let root = base.join("root");
        let setup = || -> std::io::Result<()> {
            std::fs::create_dir_all(root.join("sub"))?;
            std::fs::write(root.join("sub/in.y4m"), b"YUV4MPEG2 W2 H2\n")?;
            std::fs::write(base.join("secret"), b"outside")?;
            let _ = std::os::unix::fs::symlink(base.join("secret"), root.join("escape"));
            let _ = std::os::unix::fs::symlink(root.join("sub/in.y4m"), root.join("inside"));
            Ok(())
        };
        setup().expect("the fuzz sandbox can be created in the temporary folder");
        let roots = Roots::new(std::slice::from_ref(&root)).expect("the sandbox root exists");
        let canonical_root = root.canonicalize().expect("the sandbox root resolves");
        Sandbox {
            roots,
            canonical_root,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sandbox = sandbox();
    // The URI as given, and its path placed under the root, so both the lexical and the
    // symlink checks see inputs.
    let under_root = format!("file://{}/{}", sandbox.canonical_root.display(), text);
    for uri in [text, under_root.as_str()] {
        let _ = file_uri_path(uri);
        if let Ok(path) = sandbox.roots.resolve_uri(uri) {
            assert!(
                path.starts_with(&sandbox.canonical_root),
                "{uri:?} resolved outside the root: {}",
                path.display()
            );
            assert!(path.is_file(), "{uri:?} resolved to a non-file");
        }
    }
});
