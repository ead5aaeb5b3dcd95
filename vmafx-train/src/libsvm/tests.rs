use super::*;

/// A smooth function of two inputs on a grid in [0, 1]^2.
fn smooth_samples() -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut rows = Vec::new();
    let mut targets = Vec::new();
    for i in 0..8 {
        for j in 0..8 {
            let (a, b) = (f64::from(i) / 7.0, f64::from(j) / 7.0);
            rows.push(vec![a, b]);
            targets.push(0.6 * a + 0.3 * b * b);
        }
    }
    (rows, targets)
}

#[test]
fn fits_a_smooth_function() {
    if !present_for_tests() {
        return;
    }
    let (rows, targets) = smooth_samples();
    let params = SvrParams {
        c: 16.0,
        nu: 0.5,
        gamma: 1.0,
    };
    let model = SvrModel::train(&rows, &targets, params).unwrap();
    let worst = rows
        .iter()
        .zip(&targets)
        .map(|(row, t)| (model.predict(row) - t).abs())
        .fold(0.0, f64::max);
    assert!(worst < 0.05, "worst training error {worst}");
    let text = model.text();
    assert!(
        text.starts_with("svm_type nu_svr\nkernel_type rbf\ngamma 1\n"),
        "{text}"
    );
    assert!(text.contains("\nrho ") && text.contains("\nSV\n"), "{text}");
}

#[test]
fn reloaded_text_predicts_the_same() {
    if !present_for_tests() {
        return;
    }
    let (rows, targets) = smooth_samples();
    let model = SvrModel::train(&rows, &targets, SvrParams::default()).unwrap();
    let again = SvrModel::from_text(model.text()).unwrap();
    for row in &rows {
        assert_eq!(model.predict(row).to_bits(), again.predict(row).to_bits());
    }
}

#[test]
fn refuses_bad_parameters_and_data() {
    if !present_for_tests() {
        return;
    }
    let (rows, targets) = smooth_samples();
    for (c, nu, gamma) in [(0.0, 0.5, 1.0), (1.0, 1.5, 1.0), (1.0, 0.5, -1.0)] {
        let params = SvrParams { c, nu, gamma };
        assert!(
            SvrModel::train(&rows, &targets, params).is_err(),
            "{params:?}"
        );
    }
    assert!(SvrModel::train(&rows, &targets[1..], SvrParams::default()).is_err());
    assert!(SvrModel::train(&[], &[], SvrParams::default()).is_err());
    assert!(SvrModel::from_text("not a model").is_err());
}
