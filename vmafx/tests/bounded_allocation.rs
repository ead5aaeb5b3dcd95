//! Inputs that promise more data than they hold must not make the library allocate what
//! they promise: the Y4M readers grow their buffers with the bytes that arrive, and a
//! model's support-vector count reserves no more than its text can hold. A counting
//! allocator measures the peak of live heap bytes while each input is read.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use vmafx::io::{self, FrameReader, InputKind, Y4mReader};
use vmafx::{Error, Model};

/// Counts live heap bytes and remembers their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to the system allocator unchanged; the counters only
// observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: the caller's contract is the one `System.alloc` needs.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: as for `dealloc`, and `new_size` is the caller's valid size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn add(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::SeqCst) + size;
    PEAK.fetch_max(live, Ordering::SeqCst);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One test at a time: the counters are process-wide, so another test's allocations
/// (even those it makes outside its own measurement) would count in this one's.
static SERIAL: Mutex<()> = Mutex::new(());

/// Holds the other tests of this file off until dropped.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `work` and returns its result with the peak of heap bytes it added. The caller
/// holds [`serial`].
fn peak_during<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let result = work();
    (result, PEAK.load(Ordering::SeqCst).saturating_sub(base))
}

const MIB: usize = 1 << 20;

/// 38 bytes announcing 16384x16384 4:4:4 16-bit frames (1.5 GiB each), then one marker.
const HUGE_HEADER: &[u8] = b"YUV4MPEG2 W16384 H16384 C444p16\nFRAME\n";

#[test]
fn large_y4m_header_from_a_stream_reads_only_what_arrives() {
    let _serial = serial();
    // 96 MiB frames promised, 10 bytes delivered. The caller's frame is made outside the
    // measurement: the reader's own buffer is what must stay small.
    let stream = b"YUV4MPEG2 W4096 H4096 C444p16\nFRAME\n0123456789";
    let mut reader = Y4mReader::new(Cursor::new(&stream[..])).expect("valid header");
    let mut frame = vmafx::Frame::zeroed(*reader.format());
    let (result, peak) = peak_during(|| reader.read_into(&mut frame));
    assert!(
        matches!(
            result,
            Err(Error::Truncated {
                frame: 0,
                got: 10,
                ..
            })
        ),
        "{result:?}"
    );
    assert!(peak <= MIB, "reading 10 bytes allocated {peak} bytes");
}

#[test]
fn huge_y4m_header_in_a_file_is_refused_before_allocating() {
    let _serial = serial();
    let path = std::env::temp_dir().join(format!("vmafx-huge-{}.y4m", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(HUGE_HEADER))
        .expect("temporary file");
    let (result, peak) = peak_during(|| io::open(&path, InputKind::Y4m).map(|_| ()));
    let _ = std::fs::remove_file(&path);
    let error = result.expect_err("a 38-byte file cannot hold a 1.5 GiB frame");
    assert!(
        matches!(error, Error::Truncated { frame: 0, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("truncated"), "{error}");
    // The 1 MiB read buffer and the header line, nothing sized by the header.
    assert!(peak <= 2 * MIB, "opening allocated {peak} bytes");
}

/// A model of under 200 bytes whose libsvm text claims 2^31 - 1 support vectors.
const FORGED_MODEL: &str = r#"{"model_dict": {"feature_names": ["VMAF_feature_adm2_score"], "norm_type": "none", "model": "svm_type nu_svr\nkernel_type linear\nnr_class 2\ntotal_sv 2147483647\nrho 0\nSV\n1 1:1\n"}}"#;

#[test]
fn forged_support_vector_count_reserves_nothing_large() {
    let _serial = serial();
    let (result, peak) = peak_during(|| Model::from_json_str("forged", FORGED_MODEL));
    let error = result
        .expect_err("one support vector is not 2147483647")
        .to_string();
    assert!(error.contains("total_sv"), "{error}");
    assert!(peak <= MIB, "parsing allocated {peak} bytes");
}
