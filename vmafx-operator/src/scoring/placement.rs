//! Admission and placement: which waiting VmafxJobs start now, and on which pool. Pure:
//! the controller gathers the views, this decides.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::crd::GpuVendor;

/// A VmafxNode pool as placement sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolView {
    /// The VmafxNode's name.
    pub name: String,
    /// Its GPU vendor.
    pub vendor: GpuVendor,
    /// Jobs it runs at once.
    pub capacity: u32,
    /// Its probe is fresh and answered.
    pub healthy: bool,
    /// Jobs already holding a slot on it.
    pub running: u32,
    /// Its Kubernetes nodes.
    pub node_selector: BTreeMap<String, String>,
    /// Its image.
    pub image: String,
}

/// A VmafxJob waiting to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The VmafxJob's name.
    pub name: String,
    /// Higher first.
    pub priority: i32,
    /// Creation time (RFC 3339 in UTC, so text order is time order); older first on ties.
    pub created: String,
    /// The vendor its backend needs; `None`: any pool.
    pub vendor: Option<GpuVendor>,
}

/// Where an admitted job goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The pool, or `None` when the namespace has no VmafxNode (the job runs anywhere,
    /// with the GPU its backend names).
    pub pool: Option<String>,
    /// The pool's vendor.
    pub vendor: Option<GpuVendor>,
    /// The pool's nodeSelector.
    pub node_selector: BTreeMap<String, String>,
    /// The pool's image.
    pub image: Option<String>,
}

/// The verdict for one candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Admission {
    /// Start now, there.
    Admit(Placement),
    /// Wait; the text says for what.
    Wait(String),
}

/// The order admission follows: priority high to low, then older first, then by name.
pub fn admission_order(a: &Candidate, b: &Candidate) -> Ordering {
    b.priority
        .cmp(&a.priority)
        .then_with(|| a.created.cmp(&b.created))
        .then_with(|| a.name.cmp(&b.name))
}

/// Decides every candidate at once, so a higher-priority job is never passed over for a
/// slot it could use. `pools` empty: the namespace runs at most `unpooled_free` more jobs.
pub fn plan(
    candidates: &[Candidate],
    pools: &[PoolView],
    unpooled_free: u32,
) -> BTreeMap<String, Admission> {
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    order.sort_by(|a, b| admission_order(a, b));
    let mut free: Vec<(usize, u32)> = pools
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.capacity.saturating_sub(p.running)))
        .collect();
    let mut unpooled_left = unpooled_free;
    let mut out = BTreeMap::new();
    for candidate in order {
        let verdict = if pools.is_empty() {
            if unpooled_left > 0 {
                unpooled_left -= 1;
                Admission::Admit(Placement {
                    pool: None,
                    vendor: candidate.vendor,
                    node_selector: BTreeMap::new(),
                    image: None,
                })
            } else {
                Admission::Wait(
                    "waiting for capacity: the namespace runs its maximum of jobs".into(),
                )
            }
        } else {
            place_on_pool(candidate, pools, &mut free)
        };
        out.insert(candidate.name.clone(), verdict);
    }
    out
}

fn place_on_pool(
    candidate: &Candidate,
    pools: &[PoolView],
    free: &mut [(usize, u32)],
) -> Admission {
    let fits = |p: &PoolView| candidate.vendor.is_none_or(|v| v == p.vendor);
    if !pools.iter().any(fits) {
        let vendor = candidate.vendor.map_or("any", GpuVendor::as_str);
        return Admission::Wait(format!("no VmafxNode pool of vendor {vendor}"));
    }
    if !pools.iter().any(|p| fits(p) && p.healthy) {
        return Admission::Wait("no healthy VmafxNode pool for this backend".into());
    }
    // The pool with the most free slots spreads load; ties go to the name, for a stable plan.
    let best = free
        .iter_mut()
        .filter(|(i, left)| *left > 0 && pools[*i].healthy && fits(&pools[*i]))
        .max_by(|(a, la), (b, lb)| la.cmp(lb).then_with(|| pools[*b].name.cmp(&pools[*a].name)));
    match best {
        Some((i, left)) => {
            *left -= 1;
            let pool = &pools[*i];
            Admission::Admit(Placement {
                pool: Some(pool.name.clone()),
                vendor: Some(pool.vendor),
                node_selector: pool.node_selector.clone(),
                image: Some(pool.image.clone()),
            })
        }
        None => Admission::Wait("waiting for capacity: every matching pool is full".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(name: &str, vendor: GpuVendor, capacity: u32, running: u32, healthy: bool) -> PoolView {
        PoolView {
            name: name.into(),
            vendor,
            capacity,
            healthy,
            running,
            node_selector: BTreeMap::from([("pool".into(), name.into())]),
            image: format!("vmafx:{name}"),
        }
    }

    fn job(name: &str, priority: i32, created: &str, vendor: Option<GpuVendor>) -> Candidate {
        Candidate {
            name: name.into(),
            priority,
            created: created.into(),
            vendor,
        }
    }

    fn admitted_pool(plan: &BTreeMap<String, Admission>, name: &str) -> Option<String> {
        match &plan[name] {
            Admission::Admit(p) => Some(p.pool.clone().unwrap_or_else(|| "-".into())),
            Admission::Wait(_) => None,
        }
    }

    #[test]
    fn higher_priority_wins_the_last_slot() {
        let pools = [pool("a", GpuVendor::Nvidia, 2, 1, true)];
        let jobs = [
            job("low", 0, "2026-01-01T00:00:00Z", None),
            job("high", 10, "2026-01-02T00:00:00Z", None),
        ];
        let plan = plan(&jobs, &pools, 0);
        assert_eq!(admitted_pool(&plan, "high").as_deref(), Some("a"));
        assert_eq!(admitted_pool(&plan, "low"), None);
        assert!(matches!(&plan["low"], Admission::Wait(w) if w.contains("capacity")));
    }

    #[test]
    fn equal_priority_goes_oldest_first_then_by_name() {
        let jobs = [
            job("b", 5, "2026-01-01T00:00:00Z", None),
            job("c", 5, "2025-12-31T00:00:00Z", None),
            job("a", 5, "2026-01-01T00:00:00Z", None),
        ];
        let mut order = jobs.to_vec();
        order.sort_by(admission_order);
        let names: Vec<_> = order.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
        let plan = plan(&jobs, &[], 2);
        assert!(matches!(plan["c"], Admission::Admit(_)));
        assert!(matches!(plan["a"], Admission::Admit(_)));
        assert!(matches!(plan["b"], Admission::Wait(_)));
    }

    #[test]
    fn placement_follows_vendor_and_free_capacity() {
        let pools = [
            pool("nv-small", GpuVendor::Nvidia, 1, 0, true),
            pool("nv-big", GpuVendor::Nvidia, 4, 1, true),
            pool("amd", GpuVendor::Amd, 4, 0, true),
        ];
        let jobs = [
            job("cuda", 0, "2026-01-01T00:00:00Z", Some(GpuVendor::Nvidia)),
            job("hip", 0, "2026-01-01T00:00:01Z", Some(GpuVendor::Amd)),
            job("intel", 0, "2026-01-01T00:00:02Z", Some(GpuVendor::Intel)),
        ];
        let plan = plan(&jobs, &pools, 0);
        assert_eq!(admitted_pool(&plan, "cuda").as_deref(), Some("nv-big"));
        assert_eq!(admitted_pool(&plan, "hip").as_deref(), Some("amd"));
        assert!(matches!(&plan["intel"], Admission::Wait(w) if w.contains("vendor intel")));
        match &plan["cuda"] {
            Admission::Admit(p) => {
                assert_eq!(p.vendor, Some(GpuVendor::Nvidia));
                assert_eq!(p.node_selector["pool"], "nv-big");
                assert_eq!(p.image.as_deref(), Some("vmafx:nv-big"));
            }
            Admission::Wait(w) => panic!("cuda waits: {w}"),
        }
    }

    #[test]
    fn unhealthy_and_full_pools_take_nothing() {
        let pools = [
            pool("sick", GpuVendor::Nvidia, 8, 0, false),
            pool("full", GpuVendor::Nvidia, 2, 2, true),
        ];
        let jobs = [job("j", 0, "2026-01-01T00:00:00Z", Some(GpuVendor::Nvidia))];
        assert!(matches!(&plan(&jobs, &pools, 0)["j"], Admission::Wait(w) if w.contains("full")));
        let only_sick = [pools[0].clone()];
        assert!(
            matches!(&plan(&jobs, &only_sick, 0)["j"], Admission::Wait(w) if w.contains("healthy"))
        );
    }

    #[test]
    fn any_vendor_jobs_fill_slots_one_by_one() {
        let pools = [
            pool("x", GpuVendor::Intel, 1, 0, true),
            pool("y", GpuVendor::Cpu, 1, 0, true),
        ];
        let jobs = [
            job("j1", 3, "2026-01-01T00:00:00Z", None),
            job("j2", 2, "2026-01-01T00:00:00Z", None),
            job("j3", 1, "2026-01-01T00:00:00Z", None),
        ];
        let plan = plan(&jobs, &pools, 0);
        let mut used = vec![
            admitted_pool(&plan, "j1").unwrap(),
            admitted_pool(&plan, "j2").unwrap(),
        ];
        used.sort();
        assert_eq!(used, ["x", "y"]);
        assert_eq!(admitted_pool(&plan, "j3"), None);
    }
}
