//! The handle shared between a scoring run and whoever watches or stops it.

use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Progress and stop switch of one run.
#[derive(Debug, Default)]
pub struct RunControl {
    /// Set to stop the run at the next frame.
    pub cancel: AtomicBool,
    /// Frames scored so far.
    pub frames: AtomicU64,
    /// Decoder processes feeding the run. A run blocked reading a pipe never reaches its
    /// next frame, so stopping must end the decoders too.
    decoders: Mutex<Vec<Arc<Mutex<Child>>>>,
}

impl RunControl {
    /// Asks the run to stop: at its next frame, or at once if it waits on a decoder.
    pub fn stop(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        for decoder in self.lock().iter() {
            // A decoder being reaped right now is ending anyway.
            if let Ok(mut child) = decoder.try_lock() {
                kill_decoder(&mut child);
            }
        }
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Registers a decoder; killed at once if the run is already stopped.
    pub fn add_decoder(&self, child: Arc<Mutex<Child>>) {
        let mut decoders = self.lock();
        decoders.push(child);
        if self.is_stopped() {
            drop(decoders);
            self.stop();
        }
    }

    /// Forgets a decoder that is about to be reaped.
    pub fn remove_decoder(&self, child: &Arc<Mutex<Child>>) {
        self.lock().retain(|c| !Arc::ptr_eq(c, child));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Mutex<Child>>>> {
        self.decoders.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Kills a decoder and every process it started: decoders run in their own process
/// group, so a wrapper script cannot leave a child holding the pipe open.
///
/// Only call this on a child that has not been reaped, so that its id (and its group's)
/// cannot have been reused.
pub fn kill_decoder(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: killpg only sends a signal; the group is the unreaped child's own.
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}
