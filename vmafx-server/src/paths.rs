//! `file://` URIs and the folders they may point into.
//!
//! A URI is accepted only when its path, with every symbolic link resolved, lies under
//! one of the configured roots and names a regular file. `..` is refused outright, so a
//! path cannot even be probed outside the roots.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Component, Path, PathBuf};

use crate::errors::ApiError;

/// The folders that `file://` URIs may point into, canonical (symlinks resolved).
#[derive(Debug, Clone, Default)]
pub struct Roots {
    /// Each root as configured (absolute) and canonical.
    roots: Vec<(PathBuf, PathBuf)>,
}

impl Roots {
    /// Checks that every root exists and is a folder.
    pub fn new(paths: &[PathBuf]) -> Result<Roots, String> {
        let mut roots = Vec::new();
        for path in paths {
            let canonical = path
                .canonicalize()
                .map_err(|e| format!("root {}: {e}", path.display()))?;
            if !canonical.is_dir() {
                return Err(format!("root {} is not a folder", path.display()));
            }
            let absolute = std::path::absolute(path).unwrap_or_else(|_| canonical.clone());
            roots.push((absolute, canonical));
        }
        Ok(Roots { roots })
    }

    /// Whether any root is configured.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The canonical path of the regular file a `file://` URI names, if it is allowed.
    pub fn resolve_uri(&self, uri: &str) -> Result<PathBuf, ApiError> {
        let path = file_uri_path(uri)?;
        self.confine(&path)
    }

    /// The canonical path of `path`, if it is a regular file under a root.
    pub fn confine(&self, path: &Path) -> Result<PathBuf, ApiError> {
        if self.roots.is_empty() {
            return Err(ApiError::forbidden(
                "this server has no --root configured, so it reads no files by URI",
            ));
        }
        if !path.is_absolute() {
            return Err(ApiError::bad_request(format!(
                "{} is not an absolute path",
                path.display()
            )));
        }
        if path.components().any(|c| c == Component::ParentDir) {
            return Err(ApiError::forbidden("paths may not contain `..`"));
        }
        let outside =
            || ApiError::forbidden(format!("{} is not under an allowed root", path.display()));
        let lexically_inside = self
            .roots
            .iter()
            .any(|(given, canonical)| path.starts_with(given) || path.starts_with(canonical));
        if !lexically_inside {
            return Err(outside());
        }
        let canonical = path.canonicalize().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ApiError::not_found(format!("{} does not exist", path.display()))
            } else {
                ApiError::forbidden(format!("{}: {e}", path.display()))
            }
        })?;
        // The check that matters: where the path really leads once symlinks are followed.
        if !self
            .roots
            .iter()
            .any(|(_, root)| canonical.starts_with(root))
        {
            return Err(outside());
        }
        let is_file = canonical.metadata().is_ok_and(|m| m.is_file());
        if !is_file {
            return Err(ApiError::bad_request(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        Ok(canonical)
    }
}

impl std::fmt::Display for Roots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .roots
            .iter()
            .map(|(_, c)| c.display().to_string())
            .collect();
        f.write_str(&names.join(", "))
    }
}

/// The path of a `file:` URI (`file:///abs/path` or `file://localhost/abs/path`),
/// percent-decoded.
pub fn file_uri_path(uri: &str) -> Result<PathBuf, ApiError> {
    let rest = uri
        .strip_prefix("file://")
        .ok_or_else(|| ApiError::bad_request(format!("{uri:?} is not a file:// URI")))?;
    let path = match rest.strip_prefix("localhost") {
        Some(after) if after.starts_with('/') => after,
        _ if rest.starts_with('/') => rest,
        _ => {
            return Err(ApiError::bad_request(format!(
                "{uri:?} names a host; only local file:///absolute/path URIs are accepted"
            )))
        }
    };
    if path.contains(['?', '#']) {
        return Err(ApiError::bad_request(format!(
            "{uri:?} has a query or fragment"
        )));
    }
    let bytes = percent_decode(path)
        .ok_or_else(|| ApiError::bad_request(format!("{uri:?} has a bad %-escape")))?;
    if bytes.contains(&0) {
        return Err(ApiError::bad_request("file paths may not contain NUL"));
    }
    Ok(PathBuf::from(OsString::from_vec(bytes)))
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vmafx-paths-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.canonicalize().unwrap()
    }

    #[test]
    fn parses_file_uris() {
        assert_eq!(
            file_uri_path("file:///a/b%20c.y4m").unwrap(),
            PathBuf::from("/a/b c.y4m")
        );
        assert_eq!(
            file_uri_path("file://localhost/x").unwrap(),
            PathBuf::from("/x")
        );
        for bad in [
            "http://x/y",
            "file://host/x",
            "file:relative",
            "/plain/path",
            "file:///a%2",
            "file:///a%00b",
            "file:///a?b",
        ] {
            assert!(file_uri_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn confines_paths_to_roots() {
        let base = scratch("confine");
        let root = base.join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/in.y4m"), b"x").unwrap();
        std::fs::write(base.join("secret"), b"x").unwrap();
        std::os::unix::fs::symlink(base.join("secret"), root.join("escape")).unwrap();
        std::os::unix::fs::symlink(root.join("sub/in.y4m"), root.join("inside")).unwrap();
        let roots = Roots::new(std::slice::from_ref(&root)).unwrap();

        assert!(roots.confine(&root.join("sub/in.y4m")).is_ok());
        assert!(roots.confine(&root.join("inside")).is_ok());
        let status = |p: &Path| roots.confine(p).unwrap_err().status.as_u16();
        assert_eq!(status(&root.join("escape")), 403);
        assert_eq!(status(&root.join("sub/../../secret")), 403);
        assert_eq!(status(&base.join("secret")), 403);
        assert_eq!(status(&root.join("missing")), 404);
        assert_eq!(status(&root.join("sub")), 400);
        assert_eq!(status(Path::new("relative")), 400);
        assert_eq!(
            Roots::default().confine(&root).unwrap_err().status.as_u16(),
            403
        );
        let _ = std::fs::remove_dir_all(base);
    }
}
