//! The server's scoring spec (models, features, raw geometry, backend) as JSON, as
//! stored with each job and carried by every request: deserialised from arbitrary bytes,
//! then checked the way a request is (`backend_kind`, `scorer`: model strings, feature
//! strings, geometry).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmafx::BackendKind;
use vmafx_server_parsing::scoring::ScoreSpec;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = serde_json::from_slice::<ScoreSpec>(data) else {
        return;
    };
    let _ = spec.backend_kind(BackendKind::Cpu);
    let _ = spec.scorer(BackendKind::Cpu, 1);
    if let Some(raw) = &spec.raw {
        let _ = raw.format();
    }
});
