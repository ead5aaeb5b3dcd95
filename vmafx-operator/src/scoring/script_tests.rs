//! The pods' shell scripts, run with a stand-in `vmafx` on PATH: the arguments they pass
//! and the termination message they leave, read back by the same parser the controller
//! uses.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::build::{MERGE, SCORE_SEGMENT, SCORE_WHOLE};
use super::result::parse_termination_message;

/// A temporary folder with a stand-in `vmafx` that logs its arguments and writes a
/// libvmaf-shaped JSON report to its `-o` path.
pub(crate) struct Sandbox {
    pub(crate) dir: PathBuf,
}

impl Sandbox {
    pub(crate) fn new(name: &str) -> Sandbox {
        let dir =
            std::env::temp_dir().join(format!("vmafx-operator-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        let fake = dir.join("bin/vmafx");
        std::fs::write(
            &fake,
            r#"#!/bin/sh
echo "$*" >> "$ARGS_LOG"
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then out=$2; shift; fi
  shift
done
cat > "$out" <<'JSON'
{"version": "test", "frames": [],
 "pooled_metrics": {
   "vmaf": {"min": 80.0, "max": 99.0, "mean": 91.512345, "harmonic_mean": 91.2},
   "psnr_y": {"min": 30.0, "max": 45.0, "mean": 38.25, "harmonic_mean": 38.0}},
 "aggregate_metrics": {}}
JSON
"#,
        )
        .unwrap();
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(&fake)
            .status()
            .unwrap();
        Sandbox { dir }
    }

    pub(crate) fn run(
        &self,
        script: &str,
        env: &[(&str, String)],
        args: &[&str],
    ) -> std::process::Output {
        let path = format!(
            "{}:{}",
            self.dir.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg(script)
            .arg("vmafx-test")
            .args(args)
            .env("PATH", path)
            .env("ARGS_LOG", self.dir.join("args.log"))
            .env("TERMINATION_LOG", self.dir.join("termination-log"));
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().unwrap()
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub(crate) fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn has_jq() -> bool {
    Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn s(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn the_whole_clip_script_leaves_the_pooled_means() {
    assert!(
        has_jq(),
        "jq is needed (the runtime image has it; deploy/ci.sh installs it)"
    );
    let sb = Sandbox::new("whole");
    let out = sb.run(
        SCORE_WHOLE,
        &[
            ("REFERENCE", "/media/r.y4m".into()),
            ("DISTORTED", "/media/d.y4m".into()),
            ("OUTPUT_DIR", s(&sb.dir)),
            ("RESULT_NAME", "clip.json".into()),
        ],
        &["--backend", "cpu", "--feature", "psnr"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sb.read("args.log").trim(),
        format!("-r /media/r.y4m -d /media/d.y4m --json -q -o {}/clip.json --backend cpu --feature psnr", sb.dir.display())
    );
    let result = parse_termination_message(&sb.read("termination-log")).unwrap();
    assert_eq!(result.score, Some(91.512345));
    assert_eq!(result.pooled["psnr_y"], 38.25);
}

#[test]
fn a_segment_scores_its_frame_range_and_the_merge_takes_parts_in_order() {
    assert!(has_jq(), "jq is needed");
    let sb = Sandbox::new("segments");
    let env = |k: &str| {
        vec![
            ("REFERENCE", "/media/r.y4m".to_owned()),
            ("DISTORTED", "/media/d.y4m".to_owned()),
            ("OUTPUT_DIR", s(&sb.dir)),
            ("RESULT_NAME", "film.json".to_owned()),
            ("FRAME_COUNT", "1000".to_owned()),
            ("SEGMENTS", "4".to_owned()),
            ("JOB_COMPLETION_INDEX", k.to_owned()),
        ]
    };
    for k in ["0", "3"] {
        let out = sb.run(SCORE_SEGMENT, &env(k), &["--backend", "cuda"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let log = sb.read("args.log");
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines[0].contains("--frames 0..250 -o") && lines[0].ends_with("part-0.json --backend cuda"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("--frames 750..1000 -o"), "{}", lines[1]);
    assert!(
        sb.read("termination-log").is_empty(),
        "a segment leaves the result to the merge"
    );

    let out = sb.run(MERGE, &env(""), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merge = sb
        .read("args.log")
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    let d = sb.dir.display();
    assert_eq!(
        merge,
        format!("merge --json -o {d}/film.json {d}/part-0.json {d}/part-1.json {d}/part-2.json {d}/part-3.json")
    );
    assert_eq!(
        parse_termination_message(&sb.read("termination-log"))
            .unwrap()
            .score,
        Some(91.512345)
    );
}

#[test]
fn a_failing_vmafx_fails_the_script_without_a_result() {
    let sb = Sandbox::new("fails");
    std::fs::write(
        sb.path("bin/vmafx"),
        "#!/bin/sh\necho 'error: cannot open /media/r.y4m' >&2\nexit 3\n",
    )
    .unwrap();
    let out = sb.run(
        SCORE_WHOLE,
        &[
            ("REFERENCE", "/media/r.y4m".into()),
            ("DISTORTED", "/media/d.y4m".into()),
            ("RESULT_NAME", "x.json".into()),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open"));
    assert!(sb.read("termination-log").is_empty());
}
