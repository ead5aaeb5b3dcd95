//! Printing without panics. `println!` panics when standard output is a closed pipe
//! (`vmafx --list-models | head -1`); everything the command prints goes through here
//! instead.
//!
//! A closed standard output (`EPIPE`) stops the command quietly with status 141, the
//! status a shell reports for a tool that SIGPIPE ended, as `cat` or `ls` end in the same
//! pipe: the reader has gone, so nothing is printed about it, but scripts with
//! `pipefail` still see that the output was not delivered whole. Other write errors
//! (a full disk behind a redirection) are errors like any other. Messages for standard
//! error are best-effort: when it is closed, there is nobody to tell.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

/// Exit status when standard output was closed early: 128 + SIGPIPE.
pub const CLOSED_OUTPUT_STATUS: u8 = 141;

/// Prints one line on standard output.
pub fn print_line(args: fmt::Arguments) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .context("cannot write to standard output")
}

/// Prints one line on standard error, if it can.
pub fn print_error_line(args: fmt::Arguments) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// `println!` that returns an error instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::console::print_line(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::console::print_error_line(format_args!($($arg)*))
    };
}

pub(crate) use {errln, outln};

/// Whether `error` comes from a write to a reader that went away.
pub fn is_closed_output(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line, each said once: library errors already carry
/// their cause in their own text, so a cause the message holds already is not repeated.
pub fn describe(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// The exit status for a run that ended in `error`, after saying why on standard error.
pub fn fail(error: &anyhow::Error) -> ExitCode {
    if is_closed_output(error) {
        return ExitCode::from(CLOSED_OUTPUT_STATUS);
    }
    errln!("vmafx: error: {}", describe(error));
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_already_in_the_message_are_said_once() {
        let io = io::Error::new(io::ErrorKind::NotFound, "No such file or directory");
        let library = vmafx::Error::io("cannot open x.y4m", io);
        let error = anyhow::Error::new(library).context("scoring failed");
        assert_eq!(
            describe(&error),
            "scoring failed: cannot open x.y4m: No such file or directory"
        );
        let plain = anyhow::Error::new(io::Error::other("disk full")).context("cannot write");
        assert_eq!(describe(&plain), "cannot write: disk full");
    }

    #[test]
    fn broken_pipes_are_recognised_through_context() {
        let pipe = io::Error::new(io::ErrorKind::BrokenPipe, "Broken pipe");
        let library = vmafx::Error::io("cannot write report", pipe);
        assert!(is_closed_output(
            &anyhow::Error::new(library).context("report")
        ));
        let other = anyhow::Error::new(io::Error::other("disk full"));
        assert!(!is_closed_output(&other));
    }
}
