//! Throughput at 1080p (run with `--ignored --nocapture`; a sanity figure, not a test).

use std::time::Instant;

use super::device;
use crate::backend::vulkan::{VulkanAdm, VulkanFrameScorer, VulkanMotion, VulkanVif};
use crate::feature::adm::{AdmOptions, AdmPlan};
use crate::feature::vif::{VifOptions, VifPlan};
use crate::test_support::pictures::{narrow, pair, plane};

#[test]
#[ignore = "timing only"]
fn frames_per_second_at_1080p() {
    let Some(device) = device() else { return };
    // VMAFX_SPEED_ONLY=vif (or motion, adm, both) times one extractor only.
    let only = std::env::var("VMAFX_SPEED_ONLY").unwrap_or_default();
    let wanted = |what: &str| only.is_empty() || only == what;
    let (w, h, depth, n) = (1920, 1080, 8, 4);
    let (a, b) = pair(w, h, depth, 2, 1);
    let (a8, b8) = (narrow(&a), narrow(&b));
    let pairs = vec![
        (
            plane(&a, &a8, w, h, w, depth),
            plane(&b, &b8, w, h, w, depth)
        );
        n
    ];
    let time = |what: &str, run: &mut dyn FnMut()| {
        run(); // warm-up: pipelines, first-touch memory
        let start = Instant::now();
        run();
        let seconds = start.elapsed().as_secs_f64();
        eprintln!("{what}: {:.2} fps on {}", n as f64 / seconds, device.name());
    };
    if wanted("motion") {
        let mut motion = VulkanMotion::new(device.clone(), w, h, depth).unwrap();
        time("motion SAD", &mut || {
            drop(motion.sad_batch(&pairs).unwrap())
        });
    }
    let vif_plan = VifPlan::new(w, h, depth, VifOptions::default()).unwrap();
    let adm_plan = AdmPlan::new(w, h, depth, AdmOptions::default()).unwrap();
    if wanted("vif") {
        let mut vif = VulkanVif::new(device.clone(), &vif_plan).unwrap();
        time("VIF", &mut || {
            let sums = vif.sums_batch(&pairs).unwrap();
            sums.iter().for_each(|s| {
                std::hint::black_box(vif_plan.finish(s));
            });
        });
    }
    if wanted("adm") {
        let mut adm = VulkanAdm::new(device.clone(), &adm_plan).unwrap();
        time("ADM", &mut || {
            let sums = adm.sums_batch(&pairs).unwrap();
            sums.iter().for_each(|s| {
                std::hint::black_box(adm_plan.finish(s));
            });
        });
    }
    if wanted("both") {
        let mut both = VulkanFrameScorer::new(device.clone(), &vif_plan, &adm_plan).unwrap();
        let finish = |(v, a): &(_, _)| (vif_plan.finish(v), adm_plan.finish(a));
        time("VIF+ADM batch", &mut || {
            let sums = both.sums_batch(&pairs).unwrap();
            sums.iter().for_each(|s| {
                std::hint::black_box(finish(s));
            });
        });
        time("VIF+ADM one by one", &mut || {
            for (r, d) in &pairs {
                std::hint::black_box(finish(&both.sums(*r, *d).unwrap()));
            }
        });
        for work in &both.work {
            for (kernel, time) in work.time_steps(&device).unwrap() {
                eprintln!("  {kernel:?}: {:.1} ms", time.as_secs_f64() * 1e3);
            }
        }
    }
}
