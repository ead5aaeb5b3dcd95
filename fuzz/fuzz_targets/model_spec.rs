//! The CLI's `--model` parser (`ModelSpec::parse` from vmafx-cli, compiled as a library
//! by the `vmafx-cli-model-spec` package), then loading accepted built-in models.
//! `path=` specs are parsed but never loaded: the target reads no files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmafx_cli_model_spec::{ModelSource, ModelSpec};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = ModelSpec::parse(text) else {
        return;
    };
    if matches!(spec.source, ModelSource::Builtin(_)) {
        let _ = spec.load();
    }
});
