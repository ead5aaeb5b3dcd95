//! Leader election on a coordination.k8s.io Lease: one replica reconciles, the others wait
//! to take over when its lease runs out. The decision is pure ([`claim`]); [`LeaseLock`]
//! reads and writes the Lease with optimistic concurrency (a conflict means another
//! replica won the race).

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::PostParams;
use kube::{Api, Client};

use crate::error::Result;

/// How long a lease holds without renewal.
pub const LEASE_DURATION: Duration = Duration::from_secs(15);
/// How often the holder renews and the others retry.
pub const RETRY_PERIOD: Duration = Duration::from_secs(5);

/// What to do with the Lease as found.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// We hold it: renew.
    Renew,
    /// Free or expired: take it (the transition count goes up).
    Take,
    /// Another replica holds it.
    HeldBy(String),
}

/// The claim `me` may make on `spec` at `now`.
pub fn claim(spec: Option<&LeaseSpec>, me: &str, now: jiff::Timestamp) -> Claim {
    let Some(spec) = spec else { return Claim::Take };
    let holder = spec.holder_identity.as_deref().unwrap_or("");
    if holder == me {
        return Claim::Renew;
    }
    if holder.is_empty() {
        return Claim::Take;
    }
    let seconds = i64::from(
        spec.lease_duration_seconds
            .unwrap_or(LEASE_DURATION.as_secs() as i32),
    );
    let renewed = spec
        .renew_time
        .as_ref()
        .or(spec.acquire_time.as_ref())
        .map(|t| t.0);
    match renewed {
        Some(at) if now.as_second() - at.as_second() <= seconds => Claim::HeldBy(holder.to_owned()),
        _ => Claim::Take,
    }
}

/// The Lease `name` in a namespace, claimed as `identity`.
pub struct LeaseLock {
    api: Api<Lease>,
    name: String,
    identity: String,
}

impl LeaseLock {
    /// A lock on `namespace/name`.
    pub fn new(client: Client, namespace: &str, name: &str, identity: &str) -> Self {
        LeaseLock {
            api: Api::namespaced(client, namespace),
            name: name.to_owned(),
            identity: identity.to_owned(),
        }
    }

    /// Acquires or renews; `true` while we lead.
    pub async fn try_lead(&self) -> Result<bool> {
        let now = jiff::Timestamp::now();
        let current = self.api.get_opt(&self.name).await?;
        let spec = current.as_ref().and_then(|l| l.spec.as_ref());
        let mut next = match claim(spec, &self.identity, now) {
            Claim::HeldBy(_) => return Ok(false),
            Claim::Renew => spec.cloned().unwrap_or_default(),
            Claim::Take => LeaseSpec {
                acquire_time: Some(MicroTime(now)),
                lease_transitions: Some(spec.and_then(|s| s.lease_transitions).unwrap_or(0) + 1),
                ..LeaseSpec::default()
            },
        };
        next.holder_identity = Some(self.identity.clone());
        next.lease_duration_seconds = Some(LEASE_DURATION.as_secs() as i32);
        next.renew_time = Some(MicroTime(now));
        let result = match current {
            Some(mut lease) => {
                lease.spec = Some(next);
                // replace carries the resourceVersion read above: a concurrent writer
                // makes this a 409, and we did not win.
                self.api
                    .replace(&self.name, &PostParams::default(), &lease)
                    .await
                    .map(|_| ())
            }
            None => {
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.name.clone()),
                        ..ObjectMeta::default()
                    },
                    spec: Some(next),
                };
                self.api
                    .create(&PostParams::default(), &lease)
                    .await
                    .map(|_| ())
            }
        };
        match result {
            Ok(()) => Ok(true),
            Err(kube::Error::Api(e)) if e.code == 409 => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    fn held(by: &str, renewed: &str) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(by.into()),
            lease_duration_seconds: Some(15),
            renew_time: Some(MicroTime(at(renewed))),
            ..LeaseSpec::default()
        }
    }

    #[test]
    fn claims_follow_holder_and_expiry() {
        let now = at("2026-01-01T00:00:20Z");
        assert_eq!(claim(None, "me", now), Claim::Take);
        assert_eq!(
            claim(Some(&held("me", "2026-01-01T00:00:00Z")), "me", now),
            Claim::Renew
        );
        assert_eq!(
            claim(Some(&held("other", "2026-01-01T00:00:10Z")), "me", now),
            Claim::HeldBy("other".into())
        );
        assert_eq!(
            claim(Some(&held("other", "2026-01-01T00:00:01Z")), "me", now),
            Claim::Take
        );
        assert_eq!(
            claim(Some(&held("", "2026-01-01T00:00:19Z")), "me", now),
            Claim::Take
        );
    }

    const LEASES: &str = "/apis/coordination.k8s.io/v1/namespaces/ops/leases";

    fn lease_json(holder: &str, renewed: jiff::Timestamp) -> serde_json::Value {
        serde_json::json!({
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "lead", "namespace": "ops", "resourceVersion": "7"},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "renewTime": MicroTime(renewed), "leaseTransitions": 2}
        })
    }

    #[tokio::test]
    async fn takes_a_missing_lease() {
        use crate::test_support::{mock_api, Expect};
        let (client, api) = mock_api(vec![
            Expect::not_found("GET", format!("{LEASES}/lead")),
            Expect::ok("POST", LEASES, lease_json("me", jiff::Timestamp::now())),
        ]);
        assert!(LeaseLock::new(client, "ops", "lead", "me")
            .try_lead()
            .await
            .unwrap());
        let seen = api.await.unwrap();
        assert_eq!(seen[1].2["spec"]["holderIdentity"], "me");
        assert_eq!(seen[1].2["spec"]["leaseTransitions"], 1);
    }

    #[tokio::test]
    async fn waits_while_another_holds_it_and_loses_races() {
        use crate::test_support::{mock_api, Expect};
        let (client, api) = mock_api(vec![Expect::ok(
            "GET",
            format!("{LEASES}/lead"),
            lease_json("other", jiff::Timestamp::now()),
        )]);
        assert!(!LeaseLock::new(client, "ops", "lead", "me")
            .try_lead()
            .await
            .unwrap());
        api.await.unwrap();

        // Expired: taken with the resourceVersion read; a 409 means another replica won.
        let expired = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
        let conflict = Expect {
            method: "PUT",
            path: format!("{LEASES}/lead"),
            status: 409,
            body: serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "reason": "Conflict", "code": 409, "message": "conflict"}),
        };
        let (client, api) = mock_api(vec![
            Expect::ok(
                "GET",
                format!("{LEASES}/lead"),
                lease_json("other", expired),
            ),
            conflict,
        ]);
        assert!(!LeaseLock::new(client, "ops", "lead", "me")
            .try_lead()
            .await
            .unwrap());
        let seen = api.await.unwrap();
        assert_eq!(seen[1].2["metadata"]["resourceVersion"], "7");
        assert_eq!(seen[1].2["spec"]["holderIdentity"], "me");
        assert_eq!(seen[1].2["spec"]["leaseTransitions"], 3);
    }
}
