//! Prometheus metrics in the text format: reconciles and errors per controller, the
//! admission queue, VmafxJobs by phase, leadership.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// The operator's counters and gauges.
#[derive(Default)]
pub struct Metrics {
    reconciles: Mutex<BTreeMap<&'static str, u64>>,
    errors: Mutex<BTreeMap<&'static str, u64>>,
    queue_depth: AtomicU64,
    jobs_by_phase: Mutex<BTreeMap<String, u64>>,
    leader: AtomicBool,
}

fn bump(map: &Mutex<BTreeMap<&'static str, u64>>, key: &'static str) {
    // A poisoned lock only means another thread panicked mid-increment: keep counting.
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    *map.entry(key).or_default() += 1;
}

impl Metrics {
    /// Counts one reconcile of `controller`.
    pub fn reconciled(&self, controller: &'static str) {
        bump(&self.reconciles, controller);
    }

    /// Counts one failed reconcile of `controller`.
    pub fn failed(&self, controller: &'static str) {
        bump(&self.errors, controller);
    }

    /// VmafxJobs waiting for admission at the last look.
    pub fn set_queue_depth(&self, depth: usize) {
        self.queue_depth.store(depth as u64, Ordering::Relaxed);
    }

    /// VmafxJobs per phase, replacing the last count.
    pub fn set_jobs_by_phase(&self, counts: BTreeMap<String, u64>) {
        *self.jobs_by_phase.lock().unwrap_or_else(|e| e.into_inner()) = counts;
    }

    /// Whether this replica leads.
    pub fn set_leader(&self, leader: bool) {
        self.leader.store(leader, Ordering::Relaxed);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counter =
            |out: &mut String, name: &str, help: &str, map: &Mutex<BTreeMap<&'static str, u64>>| {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
                for (controller, n) in map.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                    let _ = writeln!(out, "{name}{{controller=\"{controller}\"}} {n}");
                }
            };
        counter(
            &mut out,
            "vmafx_operator_reconciles_total",
            "Reconciles run.",
            &self.reconciles,
        );
        counter(
            &mut out,
            "vmafx_operator_reconcile_errors_total",
            "Reconciles that failed.",
            &self.errors,
        );
        let _ = writeln!(
            out,
            "# HELP vmafx_operator_queue_depth VmafxJobs waiting for admission.\n# TYPE vmafx_operator_queue_depth gauge\nvmafx_operator_queue_depth {}",
            self.queue_depth.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP vmafx_operator_jobs VmafxJobs by phase.\n# TYPE vmafx_operator_jobs gauge"
        );
        for (phase, n) in self
            .jobs_by_phase
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(out, "vmafx_operator_jobs{{phase=\"{phase}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP vmafx_operator_leader 1 when this replica holds the lease.\n# TYPE vmafx_operator_leader gauge\nvmafx_operator_leader {}",
            u8::from(self.leader.load(Ordering::Relaxed))
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_gauges() {
        let m = Metrics::default();
        m.reconciled("vmafxjob");
        m.reconciled("vmafxjob");
        m.failed("vmafxnode");
        m.set_queue_depth(3);
        m.set_jobs_by_phase(BTreeMap::from([("Running".into(), 2)]));
        m.set_leader(true);
        let text = m.render();
        assert!(
            text.contains("vmafx_operator_reconciles_total{controller=\"vmafxjob\"} 2"),
            "{text}"
        );
        assert!(text.contains("vmafx_operator_reconcile_errors_total{controller=\"vmafxnode\"} 1"));
        assert!(text.contains("vmafx_operator_queue_depth 3"));
        assert!(text.contains("vmafx_operator_jobs{phase=\"Running\"} 2"));
        assert!(text.contains("vmafx_operator_leader 1"));
    }
}
