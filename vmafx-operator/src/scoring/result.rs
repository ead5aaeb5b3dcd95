//! The small JSON a scoring pod leaves as its termination message, and what a failed pod
//! says about why.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The pooled means of a finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreResult {
    /// Pooled VMAF (the `vmaf` entry), when the run predicted one.
    pub score: Option<f64>,
    /// Every pooled metric.
    pub pooled: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
struct Message {
    pooled: BTreeMap<String, f64>,
}

/// Reads `{"pooled": {"vmaf": 93.1, ...}}`, the message the pod's script writes with jq
/// from vmafx's JSON report.
pub fn parse_termination_message(text: &str) -> Result<ScoreResult, String> {
    let message: Message = serde_json::from_str(text.trim())
        .map_err(|e| format!("the scoring pod's result is not the expected JSON ({e})"))?;
    if message.pooled.is_empty() {
        return Err("the scoring pod's result holds no pooled metric".into());
    }
    Ok(ScoreResult {
        score: message.pooled.get("vmaf").copied(),
        pooled: message.pooled,
    })
}

/// One line for a status out of a failed container's reason, exit code and message (with
/// FallbackToLogsOnError the message is the tail of its log).
pub fn failure_reason(
    reason: Option<&str>,
    exit_code: Option<i32>,
    message: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(reason) = reason {
        out.push_str(reason);
    }
    if let Some(code) = exit_code {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("(exit code {code})"));
    }
    if let Some(message) = message.map(str::trim).filter(|m| !m.is_empty()) {
        // The last lines carry vmafx's error; a status field is no place for a whole log.
        let tail: Vec<&str> = message.lines().rev().take(3).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&tail.join(" | "));
    }
    if out.is_empty() {
        out.push_str("the scoring pod failed without a message");
    }
    out.chars().take(1024).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_score_and_pooled_metrics() {
        let r = parse_termination_message(r#"{"pooled":{"vmaf":93.25,"psnr_y":38.5}}"#).unwrap();
        assert_eq!(r.score, Some(93.25));
        assert_eq!(r.pooled.len(), 2);
        assert_eq!(r.pooled["psnr_y"], 38.5);
    }

    #[test]
    fn a_run_without_model_has_no_score() {
        let r = parse_termination_message(r#"{"pooled":{"psnr_y":38.5}}"#).unwrap();
        assert_eq!(r.score, None);
    }

    #[test]
    fn refuses_garbage_and_empty_results() {
        assert!(parse_termination_message("error: oops")
            .unwrap_err()
            .contains("not the expected JSON"));
        assert!(parse_termination_message(r#"{"pooled":{}}"#)
            .unwrap_err()
            .contains("no pooled"));
    }

    #[test]
    fn failure_reason_keeps_the_log_tail() {
        let r = failure_reason(
            Some("Error"),
            Some(2),
            Some("a\nb\nc\nerror: cannot open /media/x.y4m\n"),
        );
        assert_eq!(
            r,
            "Error (exit code 2): b | c | error: cannot open /media/x.y4m"
        );
        assert_eq!(
            failure_reason(None, None, None),
            "the scoring pod failed without a message"
        );
    }
}
