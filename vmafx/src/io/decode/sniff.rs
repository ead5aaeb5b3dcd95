//! Telling Y4M from everything else by the first bytes.

use std::io::{BufRead, Read, Seek, SeekFrom};

use crate::error::{Error, Result};

const SIGNATURE: &[u8] = b"YUV4MPEG2";

/// What the start of an input says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// YUV4MPEG2: read natively.
    Y4m,
    /// Anything else: raw YUV when a geometry is given, else video for ffmpeg.
    Other,
}

/// Looks at the start of `file` and rewinds it. An empty file is an error.
pub fn sniff_file(file: &mut std::fs::File, label: &str) -> Result<Container> {
    let mut head = [0u8; SIGNATURE.len()];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(format!("cannot read {label}"), e)),
        }
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(format!("cannot rewind {label}"), e))?;
    classify(&head[..got], label)
}

/// Looks at the start of a buffered stream without consuming it.
pub fn sniff_buffered(source: &mut dyn BufRead, label: &str) -> Result<Container> {
    let head = source
        .fill_buf()
        .map_err(|e| Error::io(format!("cannot read {label}"), e))?;
    // One fill of a pipe may hold fewer bytes than the signature; a prefix of it is
    // taken as Y4M and the Y4M reader has the last word.
    let n = head.len().min(SIGNATURE.len());
    classify(&head[..n], label)
}

fn classify(head: &[u8], label: &str) -> Result<Container> {
    if head.is_empty() {
        return Err(Error::InvalidInput(format!("{label} is empty")));
    }
    Ok(if SIGNATURE.starts_with(head) {
        Container::Y4m
    } else {
        Container::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y4m_and_others() {
        assert_eq!(classify(b"YUV4MPEG2", "x").unwrap(), Container::Y4m);
        assert_eq!(
            classify(b"\0\0\0\x18ftypmp42", "x").unwrap(),
            Container::Other
        );
        assert!(classify(b"", "x").is_err());
        let mut data: &[u8] = b"YUV4MPEG2 W2 H2\n";
        assert_eq!(sniff_buffered(&mut data, "x").unwrap(), Container::Y4m);
        assert_eq!(data.len(), 16, "sniffing consumes nothing");
    }
}
