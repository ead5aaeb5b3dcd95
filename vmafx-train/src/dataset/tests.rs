use super::*;

/// A scratch folder with two small files standing in for videos.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let dir = std::env::temp_dir().join(format!("vmafx-train-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ref.y4m"), b"x").unwrap();
        std::fs::write(dir.join("dist.y4m"), b"x").unwrap();
        Folder(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn reads_json_with_paths_relative_to_the_file() {
    let dir = Folder::new("json");
    let path = dir.write(
        "data.json",
        r#"{"pairs": [
            {"reference": "ref.y4m", "distorted": "dist.y4m", "score": 73.2, "group": "bbb"},
            {"reference": "ref.y4m", "distorted": "dist.y4m", "score": "41.5",
             "width": 64, "height": 32, "pixel_format": "420", "bit_depth": 10}
        ]}"#,
    );
    let dataset = Dataset::load(&path).unwrap();
    assert_eq!(dataset.pairs.len(), 2);
    let first = &dataset.pairs[0];
    assert_eq!(first.reference, dir.0.join("ref.y4m"));
    assert_eq!((first.score, first.group.as_str()), (73.2, "bbb"));
    assert_eq!(first.input, InputKind::Auto);
    let second = &dataset.pairs[1];
    assert_eq!(
        second.group, "ref.y4m",
        "the group defaults to the reference"
    );
    let InputKind::Raw(format) = second.input else {
        panic!("raw geometry gives a raw input");
    };
    assert_eq!(
        (format.width(), format.height(), format.bit_depth()),
        (64, 32, 10)
    );
    assert_eq!(
        dataset.groups(),
        vec!["bbb".to_owned(), "ref.y4m".to_owned()]
    );
}

#[test]
fn reads_csv_with_the_same_columns() {
    let dir = Folder::new("csv");
    let path = dir.write(
        "data.csv",
        "reference,distorted,score,group,score_std\nref.y4m,dist.y4m,55.5,a,2.5\nref.y4m,dist.y4m, 60 ,b,\n",
    );
    let dataset = Dataset::load(&path).unwrap();
    let scores: Vec<f64> = dataset.pairs.iter().map(|p| p.score).collect();
    assert_eq!(scores, vec![55.5, 60.0]);
    assert_eq!(dataset.pairs[0].score_std, Some(2.5));
    assert_eq!(dataset.pairs[1].score_std, None);
}

fn load_error(name: &str, text: &str) -> String {
    let dir = Folder::new(&name.replace('.', "-"));
    let path = dir.write(name, text);
    Dataset::load(&path).unwrap_err().to_string()
}

#[test]
fn refuses_missing_files_by_name() {
    let error = load_error(
        "missing.json",
        r#"{"pairs": [{"reference": "ref.y4m", "distorted": "gone.y4m", "score": 1}]}"#,
    );
    assert!(
        error.contains("pair 0: distorted file") && error.contains("gone.y4m does not exist"),
        "{error}"
    );
}

#[test]
fn refuses_non_numeric_scores() {
    let error = load_error(
        "text.json",
        r#"{"pairs": [{"reference": "ref.y4m", "distorted": "dist.y4m", "score": "good"}]}"#,
    );
    assert!(error.contains("score \"good\" is not a number"), "{error}");
    let error = load_error(
        "text.csv",
        "reference,distorted,score\nref.y4m,dist.y4m,n/a\n",
    );
    assert!(error.contains("score \"n/a\" is not a number"), "{error}");
    let error = load_error(
        "nan.json",
        r#"{"pairs": [{"reference": "ref.y4m", "distorted": "dist.y4m", "score": "NaN"}]}"#,
    );
    assert!(error.contains("not a finite number"), "{error}");
}

#[test]
fn refuses_malformed_files() {
    let error = load_error("empty.json", r#"{"pairs": []}"#);
    assert!(error.contains("no pairs"), "{error}");
    let error = load_error(
        "typo.json",
        r#"{"pairs": [{"reference": "ref.y4m", "distorted": "dist.y4m", "scor": 1}]}"#,
    );
    assert!(error.contains("not a dataset JSON file"), "{error}");
    let error = load_error(
        "wide.csv",
        "reference,distorted,score,width,height,pixel_format\nref.y4m,dist.y4m,1,wide,64,420\n",
    );
    assert!(
        error.contains("CSV row 2: width \"wide\" is not a whole number"),
        "{error}"
    );
    let error = load_error("short.csv", "reference,distorted\nref.y4m,dist.y4m\n");
    assert!(error.contains("CSV row 2"), "{error}");
    let error = load_error(
        "raw.json",
        r#"{"pairs": [{"reference": "ref.y4m", "distorted": "dist.y4m", "score": 1, "width": 64}]}"#,
    );
    assert!(
        error.contains("raw input needs width, height and pixel_format"),
        "{error}"
    );
}

#[test]
fn an_endless_device_is_refused_as_a_dataset() {
    let error = Dataset::load(Path::new("/dev/zero")).unwrap_err();
    assert!(error.to_string().contains("larger than"), "{error}");
}
