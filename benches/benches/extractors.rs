//! Criterion benches of every feature extractor through `vmafx::bench`, one group per
//! metric, on synthetic 1080p frames (8-bit; the integer VMAF features at 10-bit too).
//! Extractors that offer `with_cpu_level` are measured at every level this processor
//! supports.
//!
//! `cargo bench -p vmafx-bench --bench extractors [-- FILTER]`

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode};
use vmafx::bench::{
    adm, cambi, ciede, float_adm, float_motion, float_vif, motion, ms_ssim, psnr, ssim, vif,
    CpuLevel,
};
use vmafx::{Frame, FrameView, PlaneRef};
use vmafx_bench::synth::SyntheticVideo;

const WIDTH: usize = 1920;
const HEIGHT: usize = 1080;

/// A reference frame, its distorted version and the next reference frame.
struct Frames {
    bit_depth: u8,
    reference: Frame,
    distorted: Frame,
    next_reference: Frame,
}

impl Frames {
    fn new(bit_depth: u8) -> Self {
        let video = SyntheticVideo::new(WIDTH, HEIGHT, bit_depth).expect("a valid clip size");
        let (mut reference, mut distorted, mut next) = (
            video.blank_frame(),
            video.blank_frame(),
            video.blank_frame(),
        );
        video.reference(10, &mut reference);
        video.distorted(10, &reference, &mut distorted);
        video.reference(11, &mut next);
        Self {
            bit_depth,
            reference: reference.to_frame(),
            distorted: distorted.to_frame(),
            next_reference: next.to_frame(),
        }
    }

    fn luma(&self) -> (PlaneRef<'_>, PlaneRef<'_>) {
        (self.reference.plane(0), self.distorted.plane(0))
    }

    fn views(&self) -> (FrameView<'_>, FrameView<'_>) {
        (self.reference.view(), self.distorted.view())
    }

    fn id(&self, what: &str) -> String {
        format!("{what}/{}bit", self.bit_depth)
    }
}

/// A bench group; `slow` ones (100 ms or more per frame) take few, flat samples so that
/// the whole run stays within minutes.
fn group<'a>(c: &'a mut Criterion, name: &str, slow: bool) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.warm_up_time(Duration::from_secs(1));
    if slow {
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(20));
    } else {
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(4));
    }
    group
}

fn integer_features(c: &mut Criterion) {
    for frames in [Frames::new(8), Frames::new(10)] {
        let (reference, distorted) = frames.luma();
        let depth = frames.bit_depth;
        let mut g = group(c, "vif", true);
        let mut x = vif::VifExtractor::new(WIDTH, HEIGHT, depth, Default::default()).unwrap();
        g.bench_function(frames.id("new"), |b| {
            b.iter(|| {
                x.extract(black_box(reference), black_box(distorted))
                    .unwrap()
            })
        });
        g.finish();

        let mut g = group(c, "adm", false);
        let mut x = adm::AdmExtractor::new(WIDTH, HEIGHT, depth, Default::default()).unwrap();
        g.bench_function(frames.id("new"), |b| {
            b.iter(|| {
                x.extract(black_box(reference), black_box(distorted))
                    .unwrap()
            })
        });
        g.finish();

        // Each push compares with the previously pushed frame: alternating two frames
        // makes every push a full blur-and-SAD.
        let mut g = group(c, "motion", false);
        let next = frames.next_reference.plane(0);
        for level in CpuLevel::supported() {
            let options = motion::MotionOptions::default();
            let mut x =
                motion::MotionExtractor::with_cpu_level(WIDTH, HEIGHT, depth, options, level)
                    .unwrap();
            let mut flip = false;
            g.bench_function(frames.id(level.name()), |b| {
                b.iter(|| {
                    flip = !flip;
                    let plane = if flip { reference } else { next };
                    let out = x.push(black_box(plane)).unwrap();
                    while x.pop().is_some() {}
                    out
                })
            });
        }
        g.finish();
    }
}

fn float_features(c: &mut Criterion) {
    let frames = Frames::new(8);
    let (reference, distorted) = frames.luma();
    let mut g = group(c, "float_vif", true);
    let mut x = float_vif::FloatVifExtractor::new(WIDTH, HEIGHT, 8, Default::default()).unwrap();
    g.bench_function(frames.id("new"), |b| {
        b.iter(|| {
            x.extract(black_box(reference), black_box(distorted))
                .unwrap()
        })
    });
    g.finish();

    let mut g = group(c, "float_adm", false);
    let mut x = float_adm::FloatAdmExtractor::new(WIDTH, HEIGHT, 8, Default::default()).unwrap();
    g.bench_function(frames.id("new"), |b| {
        b.iter(|| {
            x.extract(black_box(reference), black_box(distorted))
                .unwrap()
        })
    });
    g.finish();

    let mut g = group(c, "float_motion", false);
    let next = frames.next_reference.plane(0);
    let mut x =
        float_motion::FloatMotionExtractor::new(WIDTH, HEIGHT, 8, Default::default()).unwrap();
    let mut flip = false;
    g.bench_function(frames.id("new"), |b| {
        b.iter(|| {
            flip = !flip;
            let out = x
                .push(black_box(if flip { reference } else { next }))
                .unwrap();
            while x.pop().is_some() {}
            out
        })
    });
    g.finish();
}

fn other_features(c: &mut Criterion) {
    let frames = Frames::new(8);
    let (reference, distorted) = frames.views();
    let format = *frames.reference.format();

    let mut g = group(c, "psnr", false);
    let mut x = psnr::PsnrExtractor::new(&format, Default::default()).unwrap();
    g.bench_function(frames.id("new"), |b| {
        b.iter(|| {
            x.extract(black_box(&reference), black_box(&distorted))
                .unwrap()
        })
    });
    g.finish();

    let mut g = group(c, "ssim", false);
    let mut x = ssim::SsimExtractor::new(&format, Default::default()).unwrap();
    g.bench_function(frames.id("new"), |b| {
        b.iter(|| {
            x.extract(black_box(&reference), black_box(&distorted))
                .unwrap()
        })
    });
    g.finish();

    let mut g = group(c, "ms_ssim", true);
    let mut x = ms_ssim::MsSsimExtractor::new(&format, Default::default()).unwrap();
    g.bench_function(frames.id("new"), |b| {
        b.iter(|| {
            x.extract(black_box(&reference), black_box(&distorted))
                .unwrap()
        })
    });
    g.finish();

    let mut g = group(c, "ciede", true);
    for level in CpuLevel::supported() {
        let mut x =
            ciede::CiedeExtractor::with_cpu_level(&format, Default::default(), level).unwrap();
        g.bench_function(frames.id(level.name()), |b| {
            b.iter(|| {
                x.extract(black_box(&reference), black_box(&distorted))
                    .unwrap()
            })
        });
    }
    g.finish();

    let mut g = group(c, "cambi", false);
    let mut x = cambi::CambiExtractor::new(&format, Default::default()).unwrap();
    g.bench_function(frames.id("new"), |b| {
        b.iter(|| {
            x.extract(black_box(&reference), black_box(&distorted))
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, integer_features, float_features, other_features);
criterion_main!(benches);
