//! Training on the conformance pairs against a known target: libvmaf's own vmaf_v0.6.1
//! scores. The model must generalise to held-out pairs, load in `vmafx`, and predict
//! there exactly as the trainer and libsvm do.

mod common;

use std::time::Instant;

use common::{corpus_dir, golden_pairs, libsvm_present, write_dataset, GoldenPair, Scratch};
use vmafx::{Model, PoolMethod};
use vmafx_train::{
    extract, grid_search, train, train_bootstrap, Dataset, ExtractOptions, FeatureCache,
    FeatureSet, Grid, PairFeatures, Samples, TrainOptions,
};

/// The corpus, extracted through a cache: the pairs, their dataset and their features.
struct Extracted {
    golden: Vec<GoldenPair>,
    dataset: Dataset,
    features: FeatureSet,
    values: Vec<PairFeatures>,
    _scratch: Scratch,
}

fn extracted(name: &str) -> Option<Extracted> {
    let dir = corpus_dir()?;
    let golden = golden_pairs(&dir);
    let scratch = Scratch::new(name);
    let records: Vec<_> = golden.iter().map(|p| p.record.clone()).collect();
    write_dataset(&scratch.path("data.json"), &records);
    let dataset = Dataset::load(&scratch.path("data.json")).unwrap();
    let features = FeatureSet::of_model(Model::builtin("vmaf_v0.6.1").unwrap()).unwrap();
    let options = ExtractOptions {
        cache: Some(FeatureCache::open(&scratch.path("cache")).unwrap()),
        jobs: 0,
    };
    let started = Instant::now();
    let values = extract(&dataset, &features, &options, &|_| {}).unwrap();
    eprintln!(
        "extracted {} pairs in {:.2} s",
        values.len(),
        started.elapsed().as_secs_f64()
    );
    Some(Extracted {
        golden,
        dataset,
        features,
        values,
        _scratch: scratch,
    })
}

/// Per-frame samples of the pairs at `indices`: our features, libvmaf's frame score.
fn frame_samples(x: &Extracted, indices: &[usize]) -> Samples {
    let (mut rows, mut scores, mut groups) = (Vec::new(), Vec::new(), Vec::new());
    for &i in indices {
        for (row, golden) in x.values[i].frames.iter().zip(&x.golden[i].frames) {
            rows.push(row.clone());
            scores.push(golden["vmaf"].as_f64().unwrap());
            groups.push(x.golden[i].name.clone());
        }
    }
    Samples::new(rows, scores, groups, x.features.columns().len()).unwrap()
}

#[test]
fn extracted_features_equal_libvmafs_and_come_back_from_the_cache() {
    let Some(x) = extracted("features") else {
        return;
    };
    let mut worst = 0.0f64;
    for (pair, golden) in x.values.iter().zip(&x.golden) {
        assert_eq!(pair.frames.len(), golden.frames.len(), "{}", golden.name);
        for (row, metrics) in pair.frames.iter().zip(&golden.frames) {
            for (value, column) in row.iter().zip(x.features.columns()) {
                let expected = metrics[column.as_str()].as_f64().unwrap();
                worst = worst.max((value - expected).abs());
            }
        }
    }
    eprintln!("features against libvmaf's golden JSON: worst |delta| {worst:e}");
    // The golden JSON prints six decimals: half a unit of the last one, and the
    // parsing's own rounding, is equality.
    assert!(worst <= 5e-7 + 1e-12, "worst feature delta {worst}");
    let cache = FeatureCache::open(&x._scratch.path("cache")).unwrap();
    let files = std::fs::read_dir(cache.dir()).unwrap().count();
    assert_eq!(files, x.dataset.pairs.len(), "one cache file per pair");
    // As after an interruption: one entry missing, one damaged. Both are extracted
    // again, the rest come from the cache, and the values are the same.
    let mut files: Vec<_> = std::fs::read_dir(cache.dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    std::fs::remove_file(&files[0]).unwrap();
    std::fs::write(&files[1], b"{\"key\": \"trunc").unwrap();
    let options = ExtractOptions {
        cache: Some(cache),
        jobs: 1,
    };
    let again = extract(&x.dataset, &x.features, &options, &|_| {}).unwrap();
    assert_eq!(again, x.values);
    assert!(files[0].is_file(), "the missing entry is written again");
    let repaired = std::fs::read_to_string(&files[1]).unwrap();
    assert!(
        repaired.contains("\"frames\""),
        "the damaged entry is replaced"
    );
}

#[test]
fn reaches_plcc_above_0_99_on_held_out_pairs_and_loads_in_vmafx() {
    if !libsvm_present() {
        return;
    }
    let Some(x) = extracted("heldout") else {
        return;
    };
    let held_out: Vec<usize> = (0..x.golden.len()).filter(|i| i % 3 == 1).collect();
    let trained_on: Vec<usize> = (0..x.golden.len()).filter(|i| i % 3 != 1).collect();
    let train_set = frame_samples(&x, &trained_on);
    let test_set = frame_samples(&x, &held_out);
    let started = Instant::now();
    let model = train(&train_set, x.features.features(), &TrainOptions::default()).unwrap();
    eprintln!(
        "trained on {} frames of {} pairs in {:.3} s",
        train_set.len(),
        trained_on.len(),
        started.elapsed().as_secs_f64()
    );
    let predicted: Vec<f64> = test_set.rows.iter().map(|row| model.predict(row)).collect();
    let stats = vmafx_train::Agreement::of(&predicted, &test_set.scores, &[]);
    eprintln!(
        "held out: {} frames of {} pairs: PLCC {:.4} SRCC {:.4} KRCC {:.4} RMSE {:.4}",
        stats.count,
        held_out.len(),
        stats.plcc.unwrap(),
        stats.srcc.unwrap(),
        stats.krcc.unwrap(),
        stats.rmse
    );
    assert!(stats.plcc.unwrap() >= 0.99, "{stats:?}");

    // The model file loads in vmafx and predicts as the trainer does.
    let loaded = Model::from_json_str("trained", &model.to_json()).unwrap();
    assert_eq!(loaded.features(), x.features.features());
    let mut worst = 0.0f64;
    for (row, &ours) in test_set.rows.iter().zip(&predicted) {
        let theirs = loaded.predict(row).unwrap().score;
        worst = worst.max((theirs - ours).abs());
    }
    eprintln!("vmafx::Model against the trainer: worst |delta| {worst:e}");
    assert!(worst <= 1e-9, "worst delta {worst}");

    // Scoring a held-out pair with the model file gives the trainer's frame predictions.
    let path = x._scratch.path("model.json");
    std::fs::write(&path, model.to_json()).unwrap();
    let pair = &x.dataset.pairs[held_out[0]];
    let scorer = vmafx::ScorerBuilder::new()
        .model(Model::from_path(&path).unwrap())
        .threads(1);
    let report = vmafx::ScoreJob::new(&pair.reference, &pair.distorted, pair.input)
        .run(scorer, |_| {})
        .unwrap()
        .report;
    for (n, row) in x.values[held_out[0]].frames.iter().enumerate() {
        let scored = report.frame_score(n, "vmaf").unwrap();
        assert!((scored - model.predict(row)).abs() <= 1e-9, "frame {n}");
    }
}

#[test]
fn libsvm_tools_predict_the_exported_support_vectors_alike() {
    if !libsvm_present() {
        return;
    }
    let Some(x) = extracted("svmpredict") else {
        return;
    };
    let Ok(tool) = which("svm-predict") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI installs libsvm-tools: svm-predict must be there"
        );
        eprintln!("skipped: no svm-predict (Debian's libsvm-tools)");
        return;
    };
    let all: Vec<usize> = (0..x.golden.len()).collect();
    let samples = frame_samples(&x, &all);
    let model = train(&samples, x.features.features(), &TrainOptions::default()).unwrap();
    let scratch = &x._scratch;
    std::fs::write(scratch.path("svr.model"), model.svr.text()).unwrap();
    let mut data = String::new();
    for row in &samples.rows {
        data.push('0');
        for (i, v) in model.normalisation.features(row).iter().enumerate() {
            if *v != 0.0 {
                data.push_str(&format!(" {}:{v:e}", i + 1));
            }
        }
        data.push('\n');
    }
    std::fs::write(scratch.path("rows.txt"), data).unwrap();
    let status = std::process::Command::new(tool)
        .arg("-q")
        .arg(scratch.path("rows.txt"))
        .arg(scratch.path("svr.model"))
        .arg(scratch.path("out.txt"))
        .status()
        .unwrap();
    assert!(status.success());
    let outputs: Vec<f64> = std::fs::read_to_string(scratch.path("out.txt"))
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(outputs.len(), samples.len());
    let loaded = Model::from_json_str("trained", &model.to_json()).unwrap();
    let unclipped = loaded.with_options(vmafx::model::ModelOptions {
        disable_clip: true,
        enable_transform: false,
    });
    let mut worst = 0.0f64;
    for (row, raw) in samples.rows.iter().zip(&outputs) {
        let expected = model.normalisation.denormalise(*raw);
        let ours = unclipped.predict(row).unwrap().score;
        worst = worst.max((ours - expected).abs());
    }
    eprintln!("vmafx::Model against svm-predict: worst |delta| {worst:e}");
    assert!(worst <= 1e-9, "worst delta {worst}");
}

#[test]
fn bootstrap_models_load_with_their_statistics() {
    if !libsvm_present() {
        return;
    }
    let Some(x) = extracted("bootstrap") else {
        return;
    };
    let all: Vec<usize> = (0..x.golden.len()).collect();
    let samples = frame_samples(&x, &all);
    let members = 11;
    let models = train_bootstrap(
        &samples,
        x.features.features(),
        &TrainOptions::default(),
        members,
    )
    .unwrap();
    assert_eq!(models.len(), members + 1);
    let text = vmafx_train::bootstrap_json(&models);
    // libvmaf reads members in file order, so "10" must follow "9", not "1".
    let at = |key: &str| text.find(&format!("\"{key}\": {{")).unwrap();
    assert!(at("1") < at("2") && at("9") < at("10") && at("10") < at("11"));
    let loaded = Model::from_json_str("boot", &text).unwrap();
    assert!(loaded.is_bootstrap());
    assert_eq!(loaded.bootstrap_count(), members);
    let mut spread = 0.0f64;
    for row in &samples.rows {
        let prediction = loaded.predict(row).unwrap();
        assert!((prediction.score - models[0].predict(row)).abs() <= 1e-9);
        let b = prediction.bootstrap.unwrap();
        assert_eq!(b.models.len(), members);
        for (score, member) in b.models.iter().zip(&models[1..]) {
            assert!((score - member.predict(row)).abs() <= 1e-9);
        }
        assert!(
            b.ci_p95_lo <= b.bagging && b.bagging <= b.ci_p95_hi,
            "{b:?}"
        );
        spread = spread.max(b.stddev);
    }
    assert!(spread > 0.0, "resampled members differ somewhere");
    // The scorer reports them under libvmaf's names, as for vmaf_b_v0.6.3.
    let pair = &x.dataset.pairs[0];
    let scorer = vmafx::ScorerBuilder::new().model(loaded).threads(1);
    let report = vmafx::ScoreJob::new(&pair.reference, &pair.distorted, pair.input)
        .run(scorer, |_| {})
        .unwrap()
        .report;
    for name in [
        "vmaf",
        "vmaf_0001",
        "vmaf_0011",
        "vmaf_bagging",
        "vmaf_stddev",
        "vmaf_ci_p95_lo",
        "vmaf_ci_p95_hi",
    ] {
        assert!(
            report.pooled_score(name, PoolMethod::Mean).is_some(),
            "{name}"
        );
    }
}

#[test]
fn pooled_training_with_grouped_grid_search() {
    if !libsvm_present() {
        return;
    }
    let Some(x) = extracted("grid") else { return };
    let samples = Samples::pooled(&x.dataset, &x.values, PoolMethod::Mean).unwrap();
    let grid = Grid {
        c: vec![1.0, 4.0, 16.0],
        nu: vec![0.5, 0.9],
        gamma: vec![0.04, 0.16],
    };
    let started = Instant::now();
    let results = grid_search(
        &samples,
        x.features.features(),
        &TrainOptions::default(),
        &grid,
        3,
    )
    .unwrap();
    eprintln!(
        "grid search, 12 settings x 3 folds by content: {:.3} s; best {:?}",
        started.elapsed().as_secs_f64(),
        results[0]
    );
    assert_eq!(results.len(), 12);
    assert!(results.windows(2).all(|w| w[0].rmse <= w[1].rmse));
    // Fifteen pairs, each fold's contents unseen in training: a loose bar.
    assert!(results[0].plcc.unwrap() > 0.8, "{:?}", results[0]);
    let error = grid_search(
        &samples,
        x.features.features(),
        &TrainOptions::default(),
        &grid,
        40,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("15 pairs in 11 content groups cannot fill 40 folds"),
        "{error}"
    );
}

#[test]
fn a_constant_feature_is_refused_by_name() {
    let Some(x) = extracted("constant") else {
        return;
    };
    let all: Vec<usize> = (0..x.golden.len()).collect();
    let mut samples = frame_samples(&x, &all);
    let motion = x
        .features
        .columns()
        .iter()
        .position(|c| c == "integer_motion2")
        .unwrap();
    for row in &mut samples.rows {
        row[motion] = 0.0;
    }
    let error = train(&samples, x.features.features(), &TrainOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("feature VMAF_integer_feature_motion2_score is constant"),
        "{error}"
    );
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        })
        .ok_or(())
}
