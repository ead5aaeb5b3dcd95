//! Reading a model file with a bound on its size, so that a device (`/dev/zero`), a pipe
//! that never ends or a large unrelated file is refused instead of read whole.

use std::path::Path;

use crate::io::text::{read_text_at_most, TextReadError};
use crate::{Error, Result};

/// Largest model file accepted: 64 MiB. libvmaf's largest built-in model (a bootstrap
/// model with its 21 support-vector machines) is under 2 MiB.
pub const MAX_MODEL_FILE_BYTES: u64 = 64 << 20;

/// Reads `path` as UTF-8 text of at most [`MAX_MODEL_FILE_BYTES`].
pub(super) fn read_bounded(path: &Path) -> Result<String> {
    let refused = |reason: String| Error::Model {
        name: path.display().to_string(),
        reason,
    };
    read_text_at_most(path, MAX_MODEL_FILE_BYTES).map_err(|error| match error {
        TextReadError::Io(source) => Error::ModelFile {
            path: path.to_owned(),
            source,
        },
        TextReadError::Directory => refused("is a directory, not a model file".to_owned()),
        TextReadError::TooLarge => refused(format!(
            "the file is larger than {} MiB, the most a model file may hold",
            MAX_MODEL_FILE_BYTES >> 20
        )),
        TextReadError::NotUtf8 => refused("the file is not UTF-8 text".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;
    use crate::Model;

    #[test]
    fn endless_device_is_refused() {
        let zero = Path::new("/dev/zero");
        if !zero.exists() {
            return;
        }
        let error = Model::from_path(zero).unwrap_err().to_string();
        assert!(error.contains("larger than 64 MiB"), "{error}");
    }

    #[test]
    fn oversized_file_is_refused_by_its_size() {
        let path =
            std::env::temp_dir().join(format!("vmafx-big-model-{}.json", std::process::id()));
        let file = File::create(&path).unwrap();
        // Sparse: the size is what is checked, no byte is read.
        file.set_len(MAX_MODEL_FILE_BYTES + 1).unwrap();
        let error = Model::from_path(&path).unwrap_err().to_string();
        let _ = std::fs::remove_file(&path);
        assert!(error.contains("larger than 64 MiB"), "{error}");
    }

    #[test]
    fn directories_and_binary_files_are_refused() {
        let dir = std::env::temp_dir();
        let error = Model::from_path(&dir).unwrap_err().to_string();
        assert!(error.contains("directory"), "{error}");
        let path = dir.join(format!("vmafx-binary-model-{}.json", std::process::id()));
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let error = Model::from_path(&path).unwrap_err().to_string();
        let _ = std::fs::remove_file(&path);
        assert!(error.contains("not UTF-8"), "{error}");
    }
}
