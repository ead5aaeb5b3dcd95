use super::*;
use crate::frame::Plane;

/// A deterministic textured test picture.
pub(crate) fn texture(width: usize, height: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..width * height)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let (x, y) = ((i % width) as f64, (i / width) as f64);
            let smooth = 128.0 + 60.0 * (x / 7.0).sin() * (y / 5.0).cos();
            (smooth + f64::from(state % 32) - 16.0).clamp(0.0, 255.0) as u8
        })
        .collect()
}

fn plane(data: &[u8], width: usize, height: usize) -> PlaneRef<'_> {
    PlaneRef::U8(Plane::new(data, width, height, width).unwrap())
}

#[test]
fn identical_pictures_score_one() {
    let (w, h) = (64, 48);
    let data = texture(w, h, 1);
    let mut vif = FloatVifExtractor::new(w, h, 8, FloatVifOptions::default()).unwrap();
    let scores = vif.extract(plane(&data, w, h), plane(&data, w, h)).unwrap();
    for s in scores.scale {
        assert!((s - 1.0).abs() < 1e-6, "{scores:?}");
    }
}

#[test]
fn distortion_lowers_scores() {
    let (w, h) = (64, 48);
    let reference = texture(w, h, 1);
    let distorted: Vec<u8> = reference.iter().map(|&v| v / 2 + 64).collect();
    let mut vif = FloatVifExtractor::new(w, h, 8, FloatVifOptions::default()).unwrap();
    let scores = vif
        .extract(plane(&reference, w, h), plane(&distorted, w, h))
        .unwrap();
    for s in scores.scale {
        assert!(s < 0.99 && s > 0.0, "{scores:?}");
    }
}

#[test]
fn high_bit_depth_matches_8_bit() {
    let (w, h) = (40, 36);
    let r8 = texture(w, h, 3);
    let d8 = texture(w, h, 4);
    let r10: Vec<u16> = r8.iter().map(|&v| u16::from(v) << 2).collect();
    let d10: Vec<u16> = d8.iter().map(|&v| u16::from(v) << 2).collect();
    let mut a = FloatVifExtractor::new(w, h, 8, FloatVifOptions::default()).unwrap();
    let mut b = FloatVifExtractor::new(w, h, 10, FloatVifOptions::default()).unwrap();
    let s8 = a.extract(plane(&r8, w, h), plane(&d8, w, h)).unwrap();
    let p = |d| PlaneRef::U16(Plane::new(d, w, h, w).unwrap());
    let s10 = b.extract(p(&r10), p(&d10)).unwrap();
    assert_eq!(s8, s10);
}

#[test]
fn parses_options() {
    let mut dict = BTreeMap::new();
    dict.insert("vif_enhn_gain_limit".to_string(), 1.0);
    dict.insert("vif_skip_scale0".to_string(), 1.0);
    let o = FloatVifOptions::from_dict(&dict).unwrap();
    assert_eq!(o.vif_enhn_gain_limit, 1.0);
    assert!(o.vif_skip_scale0);

    dict.insert("vif_enhn_gain_limit".to_string(), 0.5);
    assert!(matches!(
        FloatVifOptions::from_dict(&dict),
        Err(Error::OptionValue { .. })
    ));
    let mut unknown = BTreeMap::new();
    unknown.insert("egl".to_string(), 1.0);
    assert!(matches!(
        FloatVifOptions::from_dict(&unknown),
        Err(Error::UnknownOption { .. })
    ));
}

#[test]
fn skip_scale0_reports_zero() {
    let (w, h) = (64, 48);
    let data = texture(w, h, 1);
    let o = FloatVifOptions {
        vif_skip_scale0: true,
        ..FloatVifOptions::default()
    };
    let mut vif = FloatVifExtractor::new(w, h, 8, o).unwrap();
    let s = vif.extract(plane(&data, w, h), plane(&data, w, h)).unwrap();
    assert_eq!(s.scale[0], 0.0);
    assert!((s.scale[3] - 1.0).abs() < 1e-6);
}

#[test]
fn prescale_methods_run() {
    let (w, h) = (40, 36);
    let r = texture(w, h, 5);
    let d = texture(w, h, 6);
    for method in [
        ResampleMethod::Nearest,
        ResampleMethod::Bilinear,
        ResampleMethod::Bicubic,
        ResampleMethod::Lanczos4,
    ] {
        let o = FloatVifOptions {
            vif_prescale: 1.5,
            vif_prescale_method: method,
            ..FloatVifOptions::default()
        };
        let mut vif = FloatVifExtractor::new(w, h, 8, o).unwrap();
        let s = vif.extract(plane(&r, w, h), plane(&d, w, h)).unwrap();
        assert!(s.scale.iter().all(|v| v.is_finite()), "{method:?}: {s:?}");
    }
}

#[test]
fn rejects_bad_sizes_and_depths() {
    for (w, h) in [(1, 1), (15, 64), (64, 15), (8, 8)] {
        assert!(
            FloatVifExtractor::new(w, h, 8, FloatVifOptions::default()).is_err(),
            "{w}x{h}"
        );
    }
    assert!(FloatVifExtractor::new(16, 16, 8, FloatVifOptions::default()).is_ok());
    assert!(FloatVifExtractor::new(64, 64, 9, FloatVifOptions::default()).is_err());
    let o = FloatVifOptions {
        vif_kernelscale: 1.3,
        ..FloatVifOptions::default()
    };
    assert!(FloatVifExtractor::new(64, 64, 8, o).is_err());

    let data = texture(32, 32, 1);
    let mut vif = FloatVifExtractor::new(32, 32, 8, FloatVifOptions::default()).unwrap();
    let small = texture(16, 16, 1);
    assert!(vif
        .extract(plane(&small, 16, 16), plane(&data, 32, 32))
        .is_err());
}

#[test]
fn smallest_size_does_not_panic() {
    let data = texture(16, 16, 9);
    let mut vif = FloatVifExtractor::new(16, 16, 8, FloatVifOptions::default()).unwrap();
    let s = vif
        .extract(plane(&data, 16, 16), plane(&data, 16, 16))
        .unwrap();
    assert!(s.scale.iter().all(|v| v.is_finite()));
}

#[test]
fn debug_sums_agree_with_the_scores() {
    let (w, h) = (64, 48);
    let reference = texture(w, h, 5);
    let distorted = texture(w, h, 6);
    for skip in [false, true] {
        let o = FloatVifOptions {
            debug: true,
            vif_skip_scale0: skip,
            ..FloatVifOptions::default()
        };
        let mut vif = FloatVifExtractor::new(w, h, 8, o).unwrap();
        let s = vif
            .extract(plane(&reference, w, h), plane(&distorted, w, h))
            .unwrap();
        let d = s.debug.expect("debug outputs are on");
        let first = usize::from(skip);
        for scale in first..4 {
            assert_eq!(d.num_scale[scale] / d.den_scale[scale], s.scale[scale]);
        }
        if skip {
            assert_eq!((d.num_scale[0], d.den_scale[0]), (0.0, -1.0));
        }
        let num: f64 = d.num_scale[first..].iter().sum();
        let den: f64 = d.den_scale[first..].iter().sum();
        assert_eq!((d.num, d.den, d.vif), (num, den, num / den));
        let named = d.named();
        assert_eq!(named[0], ("vif", d.vif));
        assert_eq!(named[10], ("vif_den_scale3", d.den_scale[3]));
    }
    let mut plain = FloatVifExtractor::new(w, h, 8, FloatVifOptions::default()).unwrap();
    let s = plain
        .extract(plane(&reference, w, h), plane(&distorted, w, h))
        .unwrap();
    assert!(s.debug.is_none());
}

#[test]
fn word_options_are_applied_or_refused() {
    let parse = |text: &str| -> Result<FloatVifOptions> {
        let request = crate::FeatureRequest::parse(&format!("float_vif={text}"))?;
        FloatVifOptions::from_options(request.options())
    };
    let o = parse("debug=true:vif_skip_scale0=true:vif_prescale_method=bicubic").unwrap();
    assert!(o.debug && o.vif_skip_scale0);
    assert_eq!(o.vif_prescale_method, ResampleMethod::Bicubic);
    assert!(!parse("debug=false").unwrap().debug);
    for bad in [
        "vif_sigma_nsq=true",
        "debug=maybe",
        "vif_prescale_method=cubic",
    ] {
        assert!(
            matches!(parse(bad), Err(Error::OptionValue { .. })),
            "{bad}"
        );
    }
    assert!(matches!(
        parse("no_such_option=true"),
        Err(Error::UnknownOption { .. })
    ));
}
