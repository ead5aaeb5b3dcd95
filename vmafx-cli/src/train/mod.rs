//! `vmafx train` and `vmafx evaluate`: custom models from scored pairs (docs/training.md).

mod args;
mod report;
mod run;

use std::process::ExitCode;

use clap::Parser;

/// Runs `vmafx train ...` or `vmafx evaluate ...` when the first argument names one of
/// them; `None` leaves the command line to the scoring flags.
pub fn dispatch() -> Option<ExitCode> {
    let first = std::env::args_os().nth(1)?;
    if first != "train" && first != "evaluate" {
        return None;
    }
    let cli = match args::TrainCli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return Some(ExitCode::from(if error.use_stderr() { 2 } else { 0 }));
        }
    };
    Some(match run::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => crate::console::fail(&error),
    })
}
