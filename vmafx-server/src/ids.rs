//! Random identifiers for jobs and scratch folders: 128 bits from the operating system,
//! as 32 hex digits, so ids can be neither guessed nor enumerated.

use std::io::Read;

/// A new random id.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !filled {
        bytes = fallback_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Randomness without /dev/urandom: std's per-process random hash keys, a counter and
/// the clock.
fn fallback_bytes() -> [u8; 16] {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = [0u8; 16];
    for half in out.chunks_mut(8) {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_i64(crate::store::now_ms());
        half.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    out
}

/// Whether `text` has the shape of an id (so it is safe in a path).
pub fn is_id(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_random_hex() {
        let a = super::new_id();
        assert!(super::is_id(&a));
        assert_ne!(a, super::new_id());
        assert!(super::is_id(&hex(super::fallback_bytes())));
        assert!(!super::is_id("../etc"));
    }

    fn hex(bytes: [u8; 16]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
