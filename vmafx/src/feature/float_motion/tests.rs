use super::*;
use crate::feature::float_vif::tests::texture;
use crate::frame::{ChromaSubsampling, Frame, FrameFormat, Plane, PlaneBuffer};

fn plane(data: &[u8], width: usize, height: usize) -> PlaneRef<'_> {
    PlaneRef::U8(Plane::new(data, width, height, width).unwrap())
}

/// Runs a whole sequence and checks every frame comes out once, in order.
fn run(
    extractor: &mut FloatMotionExtractor,
    frames: &[Vec<u8>],
    w: usize,
    h: usize,
) -> Vec<FloatMotionScores> {
    let mut out = Vec::new();
    for f in frames {
        out.extend(extractor.push(plane(f, w, h)).unwrap());
        while let Some(r) = extractor.pop() {
            out.push(r);
        }
    }
    while let Some(r) = extractor.flush() {
        out.push(r);
    }
    for (i, (index, _)) in out.iter().enumerate() {
        assert_eq!(*index, i as u64);
    }
    assert_eq!(out.len(), frames.len());
    out.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn still_video_has_no_motion() {
    let (w, h) = (32, 24);
    let frame = texture(w, h, 1);
    let mut m = FloatMotionExtractor::new(w, h, 8, FloatMotionOptions::default()).unwrap();
    let scores = run(&mut m, &vec![frame; 4], w, h);
    assert!(
        scores.iter().all(|s| *s == FloatMotionScores::default()),
        "{scores:?}"
    );
}

#[test]
fn scores_follow_libvmaf_schedule() {
    let (w, h) = (32, 24);
    let frames: Vec<Vec<u8>> = (0..4).map(|i| texture(w, h, i)).collect();
    let mut m = FloatMotionExtractor::new(w, h, 8, FloatMotionOptions::default()).unwrap();
    let s = run(&mut m, &frames, w, h);
    // motion[i] is the difference of frames i-1 and i.
    let d: Vec<f64> = s.iter().map(|x| x.motion).collect();
    assert_eq!(d[0], 0.0);
    assert!(d[1..].iter().all(|&v| v > 0.0));
    assert_eq!(s[0].motion2, 0.0);
    assert_eq!(s[0].motion3, d[1]);
    assert_eq!(s[1].motion2, d[1].min(d[2]));
    assert_eq!(s[2].motion2, d[2].min(d[3]));
    assert_eq!(s[3].motion2, d[3]);
    assert_eq!(s[3].motion3, d[3]);

    // The extractor starts over after a flush.
    let again = run(&mut m, &frames, w, h);
    assert_eq!(again, s);
}

#[test]
fn single_frame_and_empty_input() {
    let (w, h) = (16, 16);
    let mut m = FloatMotionExtractor::new(w, h, 8, FloatMotionOptions::default()).unwrap();
    assert!(m.flush().is_none());
    let s = run(&mut m, &[texture(w, h, 3)], w, h);
    assert_eq!(s, vec![FloatMotionScores::default()]);
}

#[test]
fn options_shape_the_scores() {
    let (w, h) = (32, 24);
    let frames: Vec<Vec<u8>> = (0..3).map(|i| texture(w, h, 10 + i)).collect();
    let base = run(
        &mut FloatMotionExtractor::new(w, h, 8, FloatMotionOptions::default()).unwrap(),
        &frames,
        w,
        h,
    );
    let weighted = FloatMotionOptions {
        motion_fps_weight: 2.0,
        motion_max_val: 1.0,
        ..Default::default()
    };
    let s = run(
        &mut FloatMotionExtractor::new(w, h, 8, weighted).unwrap(),
        &frames,
        w,
        h,
    );
    assert!(s[1..].iter().all(|x| x.motion == 1.0 && x.motion2 <= 1.0));

    let blended = FloatMotionOptions {
        motion_blend_factor: 0.5,
        motion_blend_offset: 0.0,
        ..Default::default()
    };
    let s = run(
        &mut FloatMotionExtractor::new(w, h, 8, blended).unwrap(),
        &frames,
        w,
        h,
    );
    assert_eq!(s[1].motion3, base[1].motion2 * 0.5);

    let zero = FloatMotionOptions {
        motion_force_zero: true,
        ..Default::default()
    };
    let s = run(
        &mut FloatMotionExtractor::new(w, h, 8, zero).unwrap(),
        &frames,
        w,
        h,
    );
    assert!(s.iter().all(|x| *x == FloatMotionScores::default()));

    for o in [
        FloatMotionOptions {
            motion_add_scale1: true,
            ..Default::default()
        },
        FloatMotionOptions {
            motion_filter_size: 3,
            ..Default::default()
        },
        FloatMotionOptions {
            motion_filter_size: 1,
            ..Default::default()
        },
    ] {
        let s = run(
            &mut FloatMotionExtractor::new(w, h, 8, o.clone()).unwrap(),
            &frames,
            w,
            h,
        );
        assert_ne!(s, base, "{o:?}");
        assert!(s.iter().all(|x| x.motion.is_finite()));
    }
}

#[test]
fn chroma_terms_need_frames() {
    let (w, h) = (33, 25);
    let format = FrameFormat::new(w, h, ChromaSubsampling::Yuv420, 8).unwrap();
    let frames: Vec<Frame> = (0..3)
        .map(|i| {
            let mut f = Frame::zeroed(format);
            for p in 0..3 {
                let (pw, ph) = (format.plane_width(p), format.plane_height(p));
                if let PlaneBuffer::U8(d) = f.plane_buffer_mut(p) {
                    d.copy_from_slice(&texture(pw, ph, i * 3 + p as u32));
                }
            }
            f
        })
        .collect();
    let uv = FloatMotionOptions {
        motion_add_uv: true,
        ..Default::default()
    };
    let mut m = FloatMotionExtractor::new(w, h, 8, uv).unwrap();
    assert!(m.push(frames[0].plane(0)).is_err());
    let mut with_uv = Vec::new();
    for f in &frames {
        with_uv.extend(m.push_frame(&f.view()).unwrap());
    }
    with_uv.extend(m.flush());
    let mut luma_only = FloatMotionExtractor::new(w, h, 8, FloatMotionOptions::default()).unwrap();
    let mut plain = Vec::new();
    for f in &frames {
        plain.extend(luma_only.push_frame(&f.view()).unwrap());
    }
    plain.extend(luma_only.flush());
    assert_eq!(with_uv.len(), 3);
    for (a, b) in with_uv.iter().zip(&plain).skip(1) {
        assert!(a.1.motion > b.1.motion);
    }

    let gray = FrameFormat::new(w, h, ChromaSubsampling::Yuv400, 8).unwrap();
    let mut m = FloatMotionExtractor::new(
        w,
        h,
        8,
        FloatMotionOptions {
            motion_add_uv: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(m.push_frame(&Frame::zeroed(gray).view()).is_err());
}

#[test]
fn parses_options_and_checks_sizes() {
    let dict = BTreeMap::from([
        ("motion_fps_weight".to_string(), 2.0),
        ("motion_filter_size".to_string(), 3.0),
        ("motion_add_scale1".to_string(), 1.0),
    ]);
    let o = FloatMotionOptions::from_dict(&dict).unwrap();
    assert_eq!(o.motion_fps_weight, 2.0);
    assert_eq!(o.motion_filter_size, 3);
    assert!(o.motion_add_scale1);
    assert!(o.debug);
    let bad = BTreeMap::from([("motion_filter_size".to_string(), 10.0)]);
    assert!(matches!(
        FloatMotionOptions::from_dict(&bad),
        Err(Error::OptionValue { .. })
    ));
    let unknown = BTreeMap::from([("motion_moving_average".to_string(), 1.0)]);
    assert!(matches!(
        FloatMotionOptions::from_dict(&unknown),
        Err(Error::UnknownOption { .. })
    ));

    assert!(FloatMotionExtractor::new(2, 2, 8, FloatMotionOptions::default()).is_err());
    let three = FloatMotionOptions {
        motion_filter_size: 3,
        ..Default::default()
    };
    assert!(FloatMotionExtractor::new(2, 2, 8, three).is_ok());
    let mut m = FloatMotionExtractor::new(3, 3, 8, FloatMotionOptions::default()).unwrap();
    let frames = vec![texture(3, 3, 1), texture(3, 3, 2)];
    let s = run(&mut m, &frames, 3, 3);
    assert!(s.iter().all(|x| x.motion.is_finite()));
    assert!(m.push(plane(&texture(4, 3, 1), 4, 3)).is_err());
    assert!(FloatMotionExtractor::new(16, 16, 11, FloatMotionOptions::default()).is_err());
}
