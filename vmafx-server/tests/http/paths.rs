//! `file://` URIs stay inside the configured roots.

use serde_json::json;

use crate::common::*;
use crate::sample_uris;

#[test]
fn paths_stay_inside_the_roots() {
    let dir = TempDir::new("paths");
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    let (reference, distorted) = samples();
    std::fs::copy(&reference, root.join("ref.y4m")).unwrap();
    std::fs::copy(&distorted, root.join("sub/dist.y4m")).unwrap();
    std::fs::write(
        dir.path().join("secret.y4m"),
        std::fs::read(&distorted).unwrap(),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.y4m"), root.join("escape.y4m")).unwrap();
    std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
    std::os::unix::fs::symlink(root.join("sub/dist.y4m"), root.join("inside.y4m")).unwrap();
    let server = Launch::new(dir.path())
        .arg("--root")
        .arg(root.display().to_string())
        .start();
    let score = |distorted: String| {
        server.post_json(
            "/v1/score",
            &json!({ "reference": file_uri(&root.join("ref.y4m")), "distorted": distorted }),
        )
    };
    let ok = score(file_uri(&root.join("sub/dist.y4m")));
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_sample_vmaf(&ok.json());
    assert_eq!(
        score(file_uri(&root.join("inside.y4m"))).status,
        200,
        "a symlink within the root is fine"
    );
    assert_eq!(
        score(format!(
            "file://localhost{}",
            root.join("sub/dist.y4m").display()
        ))
        .status,
        200
    );
    let root_text = root.display().to_string();
    let cases = [
        (format!("file://{root_text}/sub/../../secret.y4m"), 403),
        (
            format!("file://{root_text}/sub/%2e%2e/%2e%2e/secret.y4m"),
            403,
        ),
        (file_uri(&root.join("escape.y4m")), 403),
        (file_uri(&root.join("up/secret.y4m")), 403),
        (file_uri(&dir.path().join("secret.y4m")), 403),
        ("file:///etc/passwd".to_owned(), 403),
        (file_uri(&root.join("missing.y4m")), 404),
        (file_uri(&root.join("sub")), 400),
        ("http://127.0.0.1/ref.y4m".to_owned(), 400),
        ("file://otherhost/x.y4m".to_owned(), 400),
        (root.join("ref.y4m").display().to_string(), 400),
    ];
    for (uri, status) in cases {
        let response = score(uri.clone());
        assert_eq!(response.status, status, "{uri}: {}", response.text());
    }
    // Jobs check paths at submission too.
    let job = server.post_json("/v1/jobs", &json!({ "reference": file_uri(&root.join("escape.y4m")), "distorted": file_uri(&root.join("ref.y4m")) }));
    assert_eq!(job.status, 403);
    // Without roots, no URI is accepted.
    let dir2 = TempDir::new("noroots");
    let closed = Launch::new(dir2.path()).start();
    assert_eq!(closed.post_json("/v1/score", &sample_uris()).status, 403);
}
