//! Reading a whole text file with a bound on its size, so that a device (`/dev/zero`), a
//! pipe that never ends or a large unrelated file is refused instead of read whole.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why [`read_text_at_most`] gave up.
#[derive(Debug)]
pub enum TextReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The path names a directory.
    Directory,
    /// The file holds more than the limit.
    TooLarge,
    /// The file is not UTF-8 text.
    NotUtf8,
}

/// Reads `path` as UTF-8 text of at most `limit` bytes. A regular file's size is checked
/// before reading; for devices and pipes the read itself stops one byte past the limit.
pub fn read_text_at_most(path: &Path, limit: u64) -> Result<String, TextReadError> {
    let file = File::open(path).map_err(TextReadError::Io)?;
    let metadata = file.metadata().map_err(TextReadError::Io)?;
    if metadata.is_dir() {
        return Err(TextReadError::Directory);
    }
    if metadata.is_file() && metadata.len() > limit {
        return Err(TextReadError::TooLarge);
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(TextReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(TextReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| TextReadError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_devices_and_directories_are_refused() {
        assert!(matches!(
            read_text_at_most(Path::new("/dev/zero"), 1024),
            Err(TextReadError::TooLarge)
        ));
        assert!(matches!(
            read_text_at_most(Path::new("/"), 1024),
            Err(TextReadError::Directory)
        ));
    }

    #[test]
    fn text_within_the_limit_is_read() {
        let path = std::env::temp_dir().join(format!("vmafx-text-{}", std::process::id()));
        std::fs::write(&path, "{}\n").unwrap();
        let text = read_text_at_most(&path, 3).map_err(|e| format!("{e:?}"));
        let too_large = read_text_at_most(&path, 2);
        let _ = std::fs::remove_file(&path);
        assert_eq!(text.unwrap(), "{}\n");
        assert!(matches!(too_large, Err(TextReadError::TooLarge)));
    }
}
