//! `vmafx-operator`: runs the controllers (settings from the environment, see
//! docs/operator.md), or with `--print-crds` prints the CRDs, or with `--write-crds DIR`
//! writes them one file each (how deploy/helm/vmafx/crds/ is regenerated).

use std::io::Write;
use std::process::ExitCode;

use vmafx_operator::config::Config;
use vmafx_operator::crd::{all_crds, crd_file_name, crd_yaml};
use vmafx_operator::error::Result;

// Output goes through `write!`, never `print!`: a closed pipe (`--print-crds | head`) is
// an error to report, not a panic.
fn print_crds() -> Result<()> {
    let mut out = std::io::stdout().lock();
    for crd in all_crds() {
        write!(out, "---\n{}", crd_yaml(&crd)?)?;
    }
    Ok(())
}

fn write_crds(dir: &str) -> Result<()> {
    for crd in all_crds() {
        let path = std::path::Path::new(dir).join(crd_file_name(&crd));
        std::fs::write(&path, crd_yaml(&crd)?)?;
        writeln!(std::io::stdout(), "wrote {}", path.display())?;
    }
    Ok(())
}

/// One line on stderr; nothing more can be done when stderr itself is closed.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn init_logging(level: &str) {
    let level = match level.to_ascii_lowercase().as_str() {
        "error" => tracing::Level::ERROR,
        "warn" | "warning" => tracing::Level::WARN,
        "debug" => tracing::Level::DEBUG,
        "trace" => tracing::Level::TRACE,
        _ => tracing::Level::INFO,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("--print-crds") => print_crds(),
        Some("--write-crds") => match args.get(1) {
            Some(dir) => write_crds(dir),
            None => {
                say("usage: vmafx-operator --write-crds DIR");
                return ExitCode::from(2);
            }
        },
        Some("--help" | "-h") => writeln!(
            std::io::stdout(),
            "usage: vmafx-operator [--print-crds | --write-crds DIR]\nsettings: \
                 VMAFX_OPERATOR_* environment variables (docs/operator.md)"
        )
        .map_err(Into::into),
        Some(other) => {
            say(&format!(
                "vmafx-operator: unknown argument {other:?} (try --help)"
            ));
            return ExitCode::from(2);
        }
        None => serve(),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say(&format!("vmafx-operator: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn serve() -> Result<()> {
    let config = Config::from_lookup(|name| std::env::var(name).ok())?;
    init_logging(&config.log_level);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(vmafx_operator::run::run(config))
}
