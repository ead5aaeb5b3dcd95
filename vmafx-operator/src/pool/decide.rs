//! A pool's status from a probe, pure.

use std::time::Duration;

use crate::crd::{set_condition, Condition, VmafxNodeStatus};
use crate::health::{is_fresh, ProbeOutcome};

/// The new status and, when health changed, the event to publish (warning, reason, note).
pub fn node_status(
    before: Option<&VmafxNodeStatus>,
    probe: &ProbeOutcome,
    running_jobs: u32,
    now: &str,
    timeout: Duration,
) -> (VmafxNodeStatus, Option<(bool, &'static str, String)>) {
    let was = before.cloned().unwrap_or_default();
    let mut st = was.clone();
    st.jobs = running_jobs;
    let why = match probe {
        ProbeOutcome::Alive { device } => {
            st.last_heartbeat = Some(now.to_owned());
            if device.is_some() {
                st.device = device.clone();
            }
            None
        }
        ProbeOutcome::Down(why) => Some(why.clone()),
    };
    // A missed probe does not make a pool unhealthy at once: only a heartbeat older than
    // `timeout` does, so one slow answer does not stop admissions.
    st.healthy = is_fresh(st.last_heartbeat.as_deref(), now, timeout);
    let message = match (&why, st.healthy) {
        (None, _) => "/healthz answered".to_owned(),
        (Some(w), true) => format!("probe failed ({w}); heartbeat still fresh"),
        (Some(w), false) => match &st.last_heartbeat {
            Some(last) => format!("heartbeat stale since {last}: {w}"),
            None => format!("never answered: {w}"),
        },
    };
    let reason = if st.healthy {
        "HeartbeatFresh"
    } else {
        "HeartbeatStale"
    };
    set_condition(
        &mut st.conditions,
        Condition::new("Ready", st.healthy, reason, &message, now),
    );
    let event = match (was.healthy, st.healthy) {
        (false, true) => Some((false, "Healthy", message)),
        (true, false) => Some((true, "Unhealthy", message)),
        _ if before.is_none() && !st.healthy => Some((true, "Unhealthy", message)),
        _ => None,
    };
    (st, event)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(60);

    #[test]
    fn an_answer_makes_a_pool_healthy() {
        let probe = ProbeOutcome::Alive {
            device: Some("cuda: H100".into()),
        };
        let (st, event) = node_status(None, &probe, 2, "2026-01-01T00:00:00Z", T);
        assert!(st.healthy);
        assert_eq!(st.jobs, 2);
        assert_eq!(st.device.as_deref(), Some("cuda: H100"));
        assert_eq!(st.last_heartbeat.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(event.map(|e| e.1), Some("Healthy"));
    }

    #[test]
    fn a_missed_probe_within_the_window_keeps_it_healthy() {
        let before = VmafxNodeStatus {
            healthy: true,
            last_heartbeat: Some("2026-01-01T00:00:00Z".into()),
            ..Default::default()
        };
        let down = ProbeOutcome::Down("connection refused".into());
        let (st, event) = node_status(Some(&before), &down, 0, "2026-01-01T00:00:30Z", T);
        assert!(st.healthy);
        assert!(event.is_none());
        let (st, event) = node_status(Some(&before), &down, 0, "2026-01-01T00:01:01Z", T);
        assert!(!st.healthy, "61 s without an answer is stale");
        let event = event.unwrap();
        assert!(event.0);
        assert_eq!(event.1, "Unhealthy");
        assert!(
            event.2.contains("stale since 2026-01-01T00:00:00Z"),
            "{}",
            event.2
        );
        assert_eq!(st.conditions[0].status, "False");
    }

    #[test]
    fn a_pool_that_never_answered_is_unhealthy() {
        let (st, event) = node_status(
            None,
            &ProbeOutcome::Down("no route".into()),
            0,
            "2026-01-01T00:00:00Z",
            T,
        );
        assert!(!st.healthy);
        assert!(event.unwrap().2.contains("never answered"));
    }
}
