use super::*;

const GIB: u64 = 1 << 30;
/// One 1080p 8-bit 4:2:0 frame.
const FRAME_1080P: u64 = 1920 * 1080 * 3 / 2;

fn node(vendor: Vendor, cores: u32, gpus: u32) -> Node {
    Node {
        vendor,
        cores,
        memory_bytes: 64 * GIB,
        gpus,
    }
}

fn input(node: Node, demand: Demand) -> PlanInput {
    PlanInput {
        node,
        speed: Speed {
            fps_per_core: 5.0,
            fps_per_gpu: 100.0,
        },
        demand,
        frame_bytes: FRAME_1080P,
    }
}

#[test]
fn cpu_server_fills_nodes_with_eight_thread_scores() {
    // 32 cores: 4 scores of 8 threads, each 5 * 8 * 0.8 = 32 fps; 300 fps needs
    // ceil(300 / 32) = 10 scores, 4 per replica: 3 replicas.
    let plan = plan(&input(
        node(Vendor::Cpu, 32, 0),
        Demand::Throughput { fps: 300.0 },
    ))
    .unwrap();
    assert_eq!(plan.threads_per_score, 8);
    assert_eq!(plan.fps_per_score, 32.0);
    assert_eq!(
        plan.layout,
        Layout::Server {
            replicas: 3,
            max_concurrent: 4
        }
    );
    assert_eq!(plan.cpu_per_pod, 32);
    assert_eq!(plan.gpus_per_pod, 0);
    assert_eq!(plan.planned_fps, 384.0);
    assert!(plan.planned_fps >= 300.0);
}

#[test]
fn small_demand_gets_a_small_replica() {
    let plan = plan(&input(
        node(Vendor::Cpu, 32, 0),
        Demand::Throughput { fps: 20.0 },
    ))
    .unwrap();
    assert_eq!(
        plan.layout,
        Layout::Server {
            replicas: 1,
            max_concurrent: 1
        }
    );
    assert_eq!(plan.cpu_per_pod, 8);
}

#[test]
fn gpu_server_runs_one_score_per_gpu() {
    // 4 GPUs and 32 cores: 4 feeder threads per score; 100 * 0.8 = 80 fps per GPU;
    // 500 fps needs 7 scores: replicas of 4 GPUs, 2 of them.
    let plan = plan(&input(
        node(Vendor::Nvidia, 32, 4),
        Demand::Throughput { fps: 500.0 },
    ))
    .unwrap();
    assert_eq!(plan.threads_per_score, 4);
    assert_eq!(plan.fps_per_score, 80.0);
    assert_eq!(
        plan.layout,
        Layout::Server {
            replicas: 2,
            max_concurrent: 4
        }
    );
    assert_eq!(plan.gpus_per_pod, 4);
    assert_eq!(plan.cpu_per_pod, 16);
}

#[test]
fn deadline_splits_the_video_into_one_segment_per_pod() {
    // 14 400 frames (10 min at 24 fps) in 120 s: 120 fps; 32 fps per CPU score:
    // 4 pods of 3 600 frames, each done in 112.5 s.
    let plan = plan(&input(
        node(Vendor::Cpu, 16, 0),
        Demand::Deadline {
            frames: 14_400,
            seconds: 120.0,
        },
    ))
    .unwrap();
    assert_eq!(
        plan.layout,
        Layout::ScaleOut {
            frames: 14_400,
            segment_frames: 3_600,
            segments: 4,
            parallelism: 4
        }
    );
    assert!(3_600.0 / plan.fps_per_score <= 120.0);
    assert_eq!(plan.pods_per_node, 2);
    assert_eq!(plan.nodes, 2);
}

#[test]
fn uneven_segments_cover_every_frame() {
    // 1 000 frames in 1 s at 80 fps per GPU: segments of at most 80 frames, 13 of
    // them; spread evenly, 77 frames each, the last one 76.
    let plan = plan(&input(
        node(Vendor::Amd, 8, 2),
        Demand::Deadline {
            frames: 1_000,
            seconds: 1.0,
        },
    ))
    .unwrap();
    let Layout::ScaleOut {
        segment_frames,
        segments,
        ..
    } = plan.layout
    else {
        panic!("a deadline plans a scale-out, got {:?}", plan.layout);
    };
    assert_eq!((segment_frames, segments), (77, 13));
    assert!(segment_frames * segments >= 1_000);
    assert!(segment_frames * (segments - 1) < 1_000);
    assert_eq!(plan.gpus_per_pod, 1);
    assert_eq!(plan.nodes, 7);
}

#[test]
fn every_segment_meets_the_deadline() {
    // 10 frames in 1 s at 2 * 0.8 = 1.6 fps: one frame per segment (0.625 s each);
    // 7 segments of 2 frames would take 1.25 s.
    for (frames, seconds) in [(10, 1.0), (14_400, 120.0), (1_000, 7.3), (99_999, 600.0)] {
        let mut slow = input(
            node(Vendor::Nvidia, 8, 1),
            Demand::Deadline { frames, seconds },
        );
        slow.speed.fps_per_gpu = 2.0;
        let plan = plan(&slow).unwrap();
        let Layout::ScaleOut {
            segment_frames,
            segments,
            ..
        } = plan.layout
        else {
            panic!("a deadline plans a scale-out, got {:?}", plan.layout);
        };
        assert!(
            segment_frames as f64 / plan.fps_per_score <= seconds,
            "{frames} frames in {seconds} s: segments of {segment_frames} are too long"
        );
        assert!(segment_frames * segments >= frames);
        assert!(segment_frames * (segments - 1) < frames);
    }
}

#[test]
fn never_more_segments_than_frames() {
    let plan = plan(&input(
        node(Vendor::Intel, 8, 1),
        Demand::Deadline {
            frames: 3,
            seconds: 0.001,
        },
    ))
    .unwrap();
    assert!(matches!(
        plan.layout,
        Layout::ScaleOut {
            segment_frames: 1,
            segments: 3,
            ..
        }
    ));
}

#[test]
fn memory_grows_with_frame_size_and_threads() {
    // 256 MiB + (2 * 8 + 4) frames * 3 110 400 bytes * 4 = 493 MiB, rounded up to 512 MiB.
    assert_eq!(score_memory(FRAME_1080P, 8), 512 << 20);
    assert!(score_memory(FRAME_1080P * 4, 8) > score_memory(FRAME_1080P, 8));
    assert!(score_memory(FRAME_1080P, 1) < score_memory(FRAME_1080P, 8));
    assert_eq!(score_memory(0, 1) % (64 << 20), 0);
}

#[test]
fn refuses_what_cannot_be_planned() {
    let mut no_speed = input(node(Vendor::Cpu, 8, 0), Demand::Throughput { fps: 10.0 });
    no_speed.speed.fps_per_core = 0.0;
    assert!(plan(&no_speed)
        .unwrap_err()
        .to_string()
        .contains("--fps-per-core"));
    let no_gpu = input(node(Vendor::Nvidia, 8, 0), Demand::Throughput { fps: 10.0 });
    assert!(plan(&no_gpu).unwrap_err().to_string().contains("GPU"));
    let zero = input(node(Vendor::Cpu, 8, 0), Demand::Throughput { fps: 0.0 });
    assert!(plan(&zero).is_err());
    let mut tiny = input(node(Vendor::Cpu, 8, 0), Demand::Throughput { fps: 10.0 });
    tiny.node.memory_bytes = 128 << 20;
    assert!(plan(&tiny).unwrap_err().to_string().contains("MiB"));
}

#[test]
fn vendors_parse_and_print_as_the_chart_spells_them() {
    for name in ["cpu", "nvidia", "amd", "intel"] {
        assert_eq!(name.parse::<Vendor>().unwrap().chart_name(), name);
    }
    assert!("vulkan".parse::<Vendor>().is_err());
}
