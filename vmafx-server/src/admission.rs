//! How many scoring runs may go at once on each backend, and who waits.
//!
//! Each backend has a fixed number of slots. A synchronous request takes a free slot, or
//! waits in a short line, or — when the line is full — is turned away with 429 and a
//! `Retry-After`. Job workers always wait: their queue is the job table.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use vmafx::BackendKind;

use crate::errors::ApiError;

/// Slots and the waiting line of one backend.
struct Lane {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
}

/// The scoring slots of every backend in use.
pub struct Admission {
    lanes: Mutex<HashMap<BackendKind, Arc<Lane>>>,
    slots_per_backend: usize,
    max_waiting: usize,
    retry_after: u64,
}

/// A held scoring slot; dropping it frees the slot.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
}

/// Undoes the waiting count however the wait ends (granted, or the request dropped).
struct WaitingGuard<'a>(&'a AtomicUsize);

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Admission {
    /// `slots_per_backend` runs at once per backend, `max_waiting` requests in line.
    pub fn new(slots_per_backend: usize, max_waiting: usize, retry_after: u64) -> Self {
        Admission {
            lanes: Mutex::new(HashMap::new()),
            slots_per_backend,
            max_waiting,
            retry_after,
        }
    }

    fn lane(&self, backend: BackendKind) -> Arc<Lane> {
        let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
        lanes
            .entry(backend)
            .or_insert_with(|| {
                Arc::new(Lane {
                    slots: Arc::new(Semaphore::new(self.slots_per_backend)),
                    waiting: AtomicUsize::new(0),
                })
            })
            .clone()
    }

    /// A slot for a synchronous request, or 429 when the line is full.
    pub async fn enter(&self, backend: BackendKind) -> Result<Slot, ApiError> {
        let lane = self.lane(backend);
        if let Ok(permit) = lane.slots.clone().try_acquire_owned() {
            return Ok(Slot { _permit: permit });
        }
        let in_line = lane.waiting.fetch_add(1, Ordering::SeqCst);
        let _guard = WaitingGuard(&lane.waiting);
        if in_line >= self.max_waiting {
            return Err(ApiError::busy(
                format!(
                    "all {} {backend} scoring slots are busy and {} requests are waiting",
                    self.slots_per_backend, self.max_waiting
                ),
                self.retry_after,
            ));
        }
        let permit = lane
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
        Ok(Slot { _permit: permit })
    }

    /// A slot for a job worker, waiting as long as it takes.
    pub async fn enter_queued(&self, backend: BackendKind) -> Result<Slot, ApiError> {
        let lane = self.lane(backend);
        let permit = lane
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
        Ok(Slot { _permit: permit })
    }

    /// Per backend: slots in use and requests waiting, for `/metrics`.
    pub fn usage(&self) -> Vec<(BackendKind, usize, usize)> {
        let lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
        let mut usage: Vec<_> = lanes
            .iter()
            .map(|(kind, lane)| {
                (
                    *kind,
                    self.slots_per_backend - lane.slots.available_permits(),
                    lane.waiting.load(Ordering::SeqCst),
                )
            })
            .collect();
        usage.sort_by_key(|(kind, _, _)| kind.name());
        usage
    }

    /// Slots per backend.
    pub fn slots_per_backend(&self) -> usize {
        self.slots_per_backend
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_requests_away_when_the_line_is_full() {
        let admission = Admission::new(1, 1, 7);
        let held = admission.enter(BackendKind::Cpu).await.unwrap();
        // One may wait...
        let admission = Arc::new(admission);
        let waiter = {
            let admission = admission.clone();
            tokio::spawn(async move { admission.enter(BackendKind::Cpu).await.map(|_| ()) })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        // ...the next is refused with the configured Retry-After.
        let refused = admission.enter(BackendKind::Cpu).await.err().unwrap();
        assert_eq!(refused.status, 429);
        assert_eq!(refused.retry_after, Some(7));
        // Another backend has its own slots.
        assert!(admission.enter(BackendKind::Cuda).await.is_ok());
        drop(held);
        assert!(waiter.await.unwrap().is_ok());
        assert!(admission
            .usage()
            .iter()
            .all(|(_, used, waiting)| *used == 0 && *waiting == 0));
    }
}
