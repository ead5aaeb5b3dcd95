//! Running a command and measuring it as a whole: wall time from start to exit (reading
//! input included) and the peak resident memory of its process tree.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// What one run of a command cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunCost {
    /// From start to exit.
    pub wall: Duration,
    /// The largest resident set of the command or any process it started, in bytes.
    pub peak_rss: u64,
}

/// Runs `command_line` with `sh -c`, stdout discarded and stderr written to `log`, and
/// measures it. A command that fails or is killed is an error that quotes the end of
/// its log.
pub fn run_measured(command_line: &str, log: &Path) -> Result<RunCost> {
    let stderr = File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let started = Instant::now();
    let child = Command::new("sh")
        .arg("-c")
        .arg(command_line)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("starting `{command_line}`"))?;
    let (status, peak_rss) = wait_with_usage(child.id())?;
    let wall = started.elapsed();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "`{command_line}` failed (wait status {status:#x}):\n{}",
            tail.join("\n")
        );
    }
    Ok(RunCost { wall, peak_rss })
}

/// Waits for process `pid` and returns its wait status and peak resident set in bytes.
///
/// `wait4` reports the peak of the process itself and of every descendant it waited for,
/// so a shell wrapper does not hide the command it ran.
fn wait_with_usage(pid: u32) -> Result<(i32, u64)> {
    let pid = libc::pid_t::try_from(pid).context("process id out of range")?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own child, and both pointers are to live locals.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("waiting for the command");
        }
    }
    // Linux reports ru_maxrss in KiB.
    let peak_rss = u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024;
    Ok((status, peak_rss))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_success_and_reports_failure() {
        let log = std::env::temp_dir().join(format!("vmafx-bench-run-{}.log", std::process::id()));
        let cost = run_measured("sleep 0.05", &log).unwrap();
        assert!(cost.wall >= Duration::from_millis(50));
        assert!(cost.peak_rss > 0);
        let error = run_measured("echo broken >&2; exit 3", &log).unwrap_err();
        assert!(format!("{error:#}").contains("broken"));
        std::fs::remove_file(log).unwrap();
    }
}
