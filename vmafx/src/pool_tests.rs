use super::*;

fn p(value: f64) -> Percentile {
    Percentile::new(value).unwrap()
}

#[test]
fn pools_like_libvmaf() {
    let pooled = Pooled::of([1.0, 3.0, 0.0]).unwrap();
    assert_eq!(pooled.min, 0.0);
    assert_eq!(pooled.max, 3.0);
    assert!((pooled.mean - 4.0 / 3.0).abs() < 1e-15);
    let expected = 3.0 / (0.5 + 0.25 + 1.0) - 1.0;
    assert!((pooled.harmonic_mean - expected).abs() < 1e-15);
    assert!(Pooled::of(std::iter::empty()).is_none());
    assert_eq!(pooled.get(PoolMethod::Max), Some(3.0));
    assert_eq!(pooled.get(PoolMethod::Percentile(p(50.0))), None);
}

#[test]
fn parses_method_names() {
    for m in PoolMethod::ALL {
        assert_eq!(m.name().parse::<PoolMethod>().unwrap(), m);
    }
    for (text, value) in [
        ("p0", 0.0),
        ("p5", 5.0),
        ("p50", 50.0),
        ("p99.9", 99.9),
        ("p100", 100.0),
    ] {
        let method: PoolMethod = text.parse().unwrap();
        assert_eq!(method, PoolMethod::Percentile(p(value)));
        assert_eq!(method.name(), text);
    }
    assert_eq!("p-0".parse::<PoolMethod>().unwrap().name(), "p0");
    for bad in ["median", "p", "p101", "p-1", "pNaN", "p5%", "P5"] {
        assert!(bad.parse::<PoolMethod>().is_err(), "{bad}");
    }
}

#[test]
fn percentiles_interpolate_linearly_like_numpy() {
    // Unsorted on purpose. numpy.percentile([4, 1, 3, 2, 10], q) for these q:
    let values = [4.0, 1.0, 3.0, 2.0, 10.0];
    for (q, expected) in [
        (0.0, 1.0),
        (10.0, 1.4),
        (25.0, 2.0),
        (50.0, 3.0),
        (90.0, 7.6),
        (100.0, 10.0),
    ] {
        let got = percentile(values, p(q)).unwrap();
        assert!((got - expected).abs() < 1e-12, "p{q}: {got}");
    }
    // Rank 0.75 between 1 and 2 is taken from the upper end, as numpy's lerp does.
    assert_eq!(percentile([1.0, 2.0], p(75.0)), Some(2.0 - 1.0 * 0.25));
}

#[test]
fn percentile_edge_cases() {
    // One frame: every percentile is that frame's value.
    for q in [0.0, 1.0, 50.0, 99.0, 100.0] {
        assert_eq!(percentile([42.5], p(q)), Some(42.5));
    }
    // p0 and p100 are exactly the extremes, and a constant stays constant.
    let values = [93.1, 88.7, 91.2, 90.0];
    assert_eq!(percentile(values, p(0.0)), Some(88.7));
    assert_eq!(percentile(values, p(100.0)), Some(93.1));
    for q in 0..=100 {
        assert_eq!(percentile([7.25; 9], p(f64::from(q))), Some(7.25));
    }
    assert_eq!(percentile(std::iter::empty(), p(50.0)), None);
    // Finite values never give NaN, and results stay within the range.
    for q in 0..=100 {
        let got = percentile(values, p(f64::from(q))).unwrap();
        assert!((88.7..=93.1).contains(&got), "p{q}: {got}");
    }
    // A NaN frame makes the percentile NaN, as in numpy, rather than a silent guess.
    assert!(percentile([1.0, f64::NAN, 3.0], p(50.0)).unwrap().is_nan());
}

#[test]
fn bad_percentiles_are_refused() {
    for bad in [-0.1, 100.5, f64::NAN, f64::INFINITY] {
        assert!(Percentile::new(bad).is_err(), "{bad}");
    }
    assert_eq!(p(-0.0), p(0.0));
}
