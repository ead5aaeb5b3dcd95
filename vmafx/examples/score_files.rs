//! Scores a distorted Y4M file against its reference with the default model.
//!
//! `cargo run --release --example score_files -- ref.y4m dist.y4m`

use vmafx::io::InputKind;
use vmafx::{Model, PoolMethod, ScoreJob, ScorerBuilder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(reference), Some(distorted)) = (args.next(), args.next()) else {
        return Err("usage: score_files REFERENCE.y4m DISTORTED.y4m".into());
    };
    let scorer = ScorerBuilder::new()
        .model(Model::builtin("vmaf_v0.6.1")?)
        .feature_spec("psnr")?
        .threads(0);
    let outcome = ScoreJob::new(reference, distorted, InputKind::Y4m).run(scorer, |_| {})?;
    let report = outcome.report;
    for frame in &report.frames {
        let vmaf = frame.values[report.metric_index("vmaf").ok_or("no vmaf column")?];
        println!("frame {:>5}: vmaf {vmaf:.6}", frame.index);
    }
    let mean = report
        .pooled_score("vmaf", PoolMethod::Mean)
        .ok_or("no vmaf column")?;
    println!("pooled vmaf (mean): {mean:.6}");
    Ok(())
}
