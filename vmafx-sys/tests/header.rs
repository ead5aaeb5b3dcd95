//! The committed `include/vmafx.h` must be exactly what cbindgen makes of this crate, so
//! the header can never drift from the library. To regenerate it after changing the
//! API, run `VMAFX_BLESS_HEADER=1 cargo test -p vmafx-sys --test header`.

use std::path::{Path, PathBuf};

/// Source files in the order their items appear in the header; files not named here
/// follow in alphabetical order. `lib.rs` is left out: cbindgen would follow its `mod`
/// declarations and emit every item twice.
const SOURCE_ORDER: [&str; 7] = [
    "status.rs",
    "ffi_util.rs",
    "options.rs",
    "picture.rs",
    "report.rs",
    "score.rs",
    "stream.rs",
];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("..").join("include").join("vmafx.h")
}

fn sources() -> Vec<PathBuf> {
    let src = crate_dir().join("src");
    let mut rest: Vec<PathBuf> = std::fs::read_dir(&src)
        .expect("src/ is readable")
        .map(|entry| entry.expect("src/ entries are readable").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name != "lib.rs" && !SOURCE_ORDER.contains(&name)
        })
        .collect();
    rest.sort();
    SOURCE_ORDER
        .iter()
        .map(|name| src.join(name))
        .chain(rest)
        .collect()
}

fn generate() -> String {
    let config = cbindgen::Config::from_file(crate_dir().join("cbindgen.toml"))
        .expect("cbindgen.toml parses");
    let mut builder = cbindgen::Builder::new().with_config(config);
    for source in sources() {
        builder = builder.with_src(source);
    }
    let bindings = builder.generate().expect("cbindgen can read the crate");
    let mut text = Vec::new();
    bindings.write(&mut text);
    String::from_utf8(text).expect("the header is UTF-8")
}

fn first_difference(a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()));
    format!(
        "first difference at line {}:\n  committed: {:?}\n  generated: {:?}",
        line + 1,
        a.lines().nth(line).unwrap_or("<end of file>"),
        b.lines().nth(line).unwrap_or("<end of file>")
    )
}

#[test]
fn committed_header_matches_the_code() {
    let generated = generate();
    let path = header_path();
    if std::env::var_os("VMAFX_BLESS_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("include/vmafx.h is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale; regenerate it with `VMAFX_BLESS_HEADER=1 cargo test -p vmafx-sys \
         --test header` and commit it.\n{}",
        Path::new("include/vmafx.h").display(),
        first_difference(&committed, &generated)
    );
}

#[test]
fn every_exported_function_is_in_the_header() {
    let header = generate();
    let mut missing = Vec::new();
    for source in sources() {
        let text = std::fs::read_to_string(&source).expect("sources are readable");
        for name in text
            .split("extern \"C\" fn ")
            .skip(1)
            .filter_map(|rest| rest.split('(').next())
        {
            if !header.contains(&format!("{name}(")) {
                missing.push(name.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "not in the header: {missing:?}");
}
