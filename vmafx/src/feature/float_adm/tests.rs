use super::*;
use crate::feature::float_vif::tests::texture;
use crate::frame::Plane;

fn plane(data: &[u8], width: usize, height: usize) -> PlaneRef<'_> {
    PlaneRef::U8(Plane::new(data, width, height, width).unwrap())
}

#[test]
fn identical_pictures_score_one() {
    for (w, h) in [(64, 48), (37, 29), (17, 17)] {
        let data = texture(w, h, 2);
        let mut adm = FloatAdmExtractor::new(w, h, 8, FloatAdmOptions::default()).unwrap();
        let s = adm.extract(plane(&data, w, h), plane(&data, w, h)).unwrap();
        assert!((s.adm2 - 1.0).abs() < 1e-6, "{w}x{h}: {s:?}");
        for v in s.scale {
            assert!((v - 1.0).abs() < 1e-6, "{w}x{h}: {s:?}");
        }
        assert!(s.aim.abs() < 1e-6, "{s:?}");
        assert!((s.adm3 - 1.0).abs() < 1e-6, "{s:?}");
    }
}

#[test]
fn distortion_lowers_scores() {
    let (w, h) = (64, 48);
    let reference = texture(w, h, 1);
    let distorted: Vec<u8> = reference.iter().map(|&v| v / 2 + 64).collect();
    let mut adm = FloatAdmExtractor::new(w, h, 8, FloatAdmOptions::default()).unwrap();
    let s = adm
        .extract(plane(&reference, w, h), plane(&distorted, w, h))
        .unwrap();
    assert!(s.adm2 < 0.95 && s.adm2 > 0.0, "{s:?}");
}

#[test]
fn flat_reference_scores_one() {
    let (w, h) = (32, 32);
    let flat = vec![100u8; w * h];
    let mut adm = FloatAdmExtractor::new(w, h, 8, FloatAdmOptions::default()).unwrap();
    let s = adm.extract(plane(&flat, w, h), plane(&flat, w, h)).unwrap();
    assert_eq!(s.adm2, 1.0);
    assert_eq!(s.aim, 0.0);
}

#[test]
fn parses_options() {
    let mut dict = BTreeMap::new();
    dict.insert("adm_enhn_gain_limit".to_string(), 1.0);
    dict.insert("adm_f2s3".to_string(), 0.5);
    dict.insert("adm_csf_mode".to_string(), 1.0);
    dict.insert("adm_skip_scale0".to_string(), 1.0);
    let o = FloatAdmOptions::from_dict(&dict).unwrap();
    assert_eq!(o.adm_enhn_gain_limit, 1.0);
    assert_eq!(o.adm_f2s, [-1.0, -1.0, -1.0, 0.5]);
    assert_eq!(o.adm_csf_mode, 1);
    assert!(o.adm_skip_scale0);

    for (key, value) in [
        ("adm_csf_mode", 1.5),
        ("adm_csf_mode", 10.0),
        ("adm_skip_aim_scale", -1.0),
        ("adm_p_norm", 0.5),
        ("adm_f1s0", -2.0),
    ] {
        let bad = BTreeMap::from([(key.to_string(), value)]);
        assert!(
            matches!(
                FloatAdmOptions::from_dict(&bad),
                Err(Error::OptionValue { .. })
            ),
            "{key}"
        );
    }
    for key in ["adm_f1s4", "egl", "adm_f3s0"] {
        let unknown = BTreeMap::from([(key.to_string(), 1.0)]);
        assert!(
            matches!(FloatAdmOptions::from_dict(&unknown), Err(Error::UnknownOption { .. })),
            "{key}"
        );
    }
}

#[test]
fn options_change_scores_without_panicking() {
    let (w, h) = (48, 40);
    let r = texture(w, h, 7);
    let d = texture(w, h, 8);
    let base = {
        let mut adm = FloatAdmExtractor::new(w, h, 8, FloatAdmOptions::default()).unwrap();
        adm.extract(plane(&r, w, h), plane(&d, w, h)).unwrap()
    };
    let variants = [
        FloatAdmOptions {
            adm_csf_mode: 1,
            ..Default::default()
        },
        FloatAdmOptions {
            adm_csf_mode: 2,
            ..Default::default()
        },
        FloatAdmOptions {
            adm_p_norm: 2.0,
            ..Default::default()
        },
        FloatAdmOptions {
            adm_bypass_cm: 1,
            ..Default::default()
        },
        FloatAdmOptions {
            adm_enhn_gain_limit: 1.0,
            ..Default::default()
        },
        FloatAdmOptions {
            adm_skip_scale0: true,
            adm_skip_aim_scale: 3,
            ..Default::default()
        },
        FloatAdmOptions {
            adm_adm3_apply_hm: true,
            adm_min_val: 0.9,
            ..Default::default()
        },
    ];
    for o in variants {
        let mut adm = FloatAdmExtractor::new(w, h, 8, o.clone()).unwrap();
        let s = adm.extract(plane(&r, w, h), plane(&d, w, h)).unwrap();
        assert!(
            s.adm2.is_finite() && s.aim.is_finite() && s.adm3.is_finite(),
            "{o:?}: {s:?}"
        );
        assert_ne!(s, base, "{o:?}");
        if o.adm_skip_scale0 {
            assert_eq!(s.scale[0], 0.0);
        }
        if o.adm_min_val > 0.0 {
            assert!(s.adm3 >= 0.9);
        }
    }
}

#[test]
fn rejects_bad_sizes_and_planes() {
    for (w, h) in [(1, 1), (16, 64), (64, 16)] {
        assert!(
            FloatAdmExtractor::new(w, h, 8, FloatAdmOptions::default()).is_err(),
            "{w}x{h}"
        );
    }
    assert!(FloatAdmExtractor::new(64, 64, 14, FloatAdmOptions::default()).is_err());
    let mut adm = FloatAdmExtractor::new(32, 32, 8, FloatAdmOptions::default()).unwrap();
    let a = texture(32, 32, 1);
    let b = texture(33, 32, 1);
    assert!(adm.extract(plane(&a, 32, 32), plane(&b, 33, 32)).is_err());
}

#[test]
fn debug_energies_agree_with_the_scores() {
    let (w, h) = (64, 48);
    let reference = texture(w, h, 7);
    let distorted = texture(w, h, 8);
    let options = FloatAdmOptions {
        debug: true,
        ..FloatAdmOptions::default()
    };
    let mut adm = FloatAdmExtractor::new(w, h, 8, options).unwrap();
    let s = adm
        .extract(plane(&reference, w, h), plane(&distorted, w, h))
        .unwrap();
    let d = s.debug.expect("debug outputs are on");
    assert_eq!(d.adm, s.adm2);
    for scale in 0..4 {
        assert_eq!(d.num_scale[scale] / d.den_scale[scale], s.scale[scale]);
    }
    // Far above the floor at this size, so the totals are the plain sums.
    assert_eq!(d.num, d.num_scale.iter().sum::<f64>());
    assert_eq!(d.den, d.den_scale.iter().sum::<f64>());
    assert_eq!(d.num / d.den, s.adm2);
    assert_eq!(d.named()[2], ("adm_den", d.den));

    let mut plain = FloatAdmExtractor::new(w, h, 8, FloatAdmOptions::default()).unwrap();
    let p = plain
        .extract(plane(&reference, w, h), plane(&distorted, w, h))
        .unwrap();
    assert_eq!((p.debug, p.adm2), (None, s.adm2));
}
