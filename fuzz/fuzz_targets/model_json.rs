//! Model files: `Model::from_json_str` on arbitrary text, then a prediction with every
//! post-processing switch for each accepted model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmafx::model::ModelOptions;
use vmafx::Model;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(model) = Model::from_json_str("fuzz", text) else {
        return;
    };
    let count = model.features().len();
    for value in [0.0, 0.5, 1.0, -1.0, 1e6, f64::NAN] {
        for (disable_clip, enable_transform) in
            [(false, false), (true, false), (false, true), (true, true)]
        {
            let options = ModelOptions {
                disable_clip,
                enable_transform,
            };
            let model = model.clone().with_options(options);
            let _ = model.predict(&vec![value; count]);
        }
    }
    // A wrong number of feature values is an error, never a panic.
    let _ = model.predict(&vec![0.5; count + 1]);
});
