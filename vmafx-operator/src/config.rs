//! The operator's settings, from the environment.

use std::net::SocketAddr;
use std::time::Duration;

use crate::context::Settings;
use crate::error::{Error, Result};

/// Every setting of the process.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// VMAFX_OPERATOR_METRICS_ADDR (`:8081`).
    pub metrics_addr: SocketAddr,
    /// VMAFX_OPERATOR_HEALTH_PROBE_ADDR (`:8082`).
    pub health_addr: SocketAddr,
    /// VMAFX_OPERATOR_LEADER_ELECTION (`true`).
    pub leader_election: bool,
    /// VMAFX_OPERATOR_LEADER_ELECTION_ID: the Lease's name.
    pub leader_election_id: String,
    /// POD_NAMESPACE: where the Lease lives.
    pub namespace: String,
    /// POD_NAME (else the host name): this replica in the Lease and in events.
    pub identity: String,
    /// VMAFX_OPERATOR_WEBHOOK_PORT (0: no webhook).
    pub webhook_port: u16,
    /// VMAFX_OPERATOR_WEBHOOK_HOST (`0.0.0.0`).
    pub webhook_host: String,
    /// VMAFX_OPERATOR_WEBHOOK_CERT_DIR: `tls.crt` and `tls.key`.
    pub webhook_cert_dir: String,
    /// VMAFX_OPERATOR_GRACEFUL_SHUTDOWN (`30s`).
    pub graceful_shutdown: Duration,
    /// VMAFX_OPERATOR_STARTUP_TIMEOUT (`30s`): how long to wait for the API server.
    pub startup_timeout: Duration,
    /// VMAFX_LOG_LEVEL (`info`).
    pub log_level: String,
    /// What reconcilers read (VMAFX_OPERATOR_JOB_IMAGE, VMAFX_OPERATOR_MAX_UNPOOLED_JOBS).
    pub settings: Settings,
}

/// `:8081` or `host:port`.
pub fn parse_addr(name: &str, text: &str) -> Result<SocketAddr> {
    let full = if text.starts_with(':') {
        format!("0.0.0.0{text}")
    } else {
        text.to_owned()
    };
    full.parse().map_err(|_| {
        Error::Config(format!(
            "{name}={text:?} is not an address (use :PORT or HOST:PORT)"
        ))
    })
}

/// `30s`, `2m`, `500ms` or plain seconds.
pub fn parse_duration(name: &str, text: &str) -> Result<Duration> {
    let t = text.trim();
    let bad = || {
        Error::Config(format!(
            "{name}={text:?} is not a duration (e.g. 30s, 2m, 500ms)"
        ))
    };
    let (number, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = number.parse().map_err(|_| bad())?;
    Ok(match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n * 60),
        _ => return Err(bad()),
    })
}

fn parse_bool(name: &str, text: &str) -> Result<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(Error::Config(format!("{name}={text:?} is not a boolean"))),
    }
}

impl Config {
    /// Reads the settings through `get` (the environment in production).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let var = |name: &str, default: &str| {
            get(name)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let webhook_port = var("VMAFX_OPERATOR_WEBHOOK_PORT", "0");
        let max_unpooled = var("VMAFX_OPERATOR_MAX_UNPOOLED_JOBS", "4");
        let defaults = Settings::default();
        Ok(Config {
            metrics_addr: parse_addr(
                "VMAFX_OPERATOR_METRICS_ADDR",
                &var("VMAFX_OPERATOR_METRICS_ADDR", ":8081"),
            )?,
            health_addr: parse_addr(
                "VMAFX_OPERATOR_HEALTH_PROBE_ADDR",
                &var("VMAFX_OPERATOR_HEALTH_PROBE_ADDR", ":8082"),
            )?,
            leader_election: parse_bool(
                "VMAFX_OPERATOR_LEADER_ELECTION",
                &var("VMAFX_OPERATOR_LEADER_ELECTION", "true"),
            )?,
            leader_election_id: var("VMAFX_OPERATOR_LEADER_ELECTION_ID", "vmafx-operator-leader"),
            namespace: var("POD_NAMESPACE", "default"),
            identity: get("POD_NAME")
                .or_else(|| get("HOSTNAME"))
                .unwrap_or_else(|| format!("vmafx-operator-{}", std::process::id())),
            webhook_port: webhook_port.parse().map_err(|_| {
                Error::Config(format!(
                    "VMAFX_OPERATOR_WEBHOOK_PORT={webhook_port:?} is not a port"
                ))
            })?,
            webhook_host: var("VMAFX_OPERATOR_WEBHOOK_HOST", "0.0.0.0"),
            webhook_cert_dir: var("VMAFX_OPERATOR_WEBHOOK_CERT_DIR", "/etc/vmafx-operator/tls"),
            graceful_shutdown: parse_duration(
                "VMAFX_OPERATOR_GRACEFUL_SHUTDOWN",
                &var("VMAFX_OPERATOR_GRACEFUL_SHUTDOWN", "30s"),
            )?,
            startup_timeout: parse_duration(
                "VMAFX_OPERATOR_STARTUP_TIMEOUT",
                &var("VMAFX_OPERATOR_STARTUP_TIMEOUT", "30s"),
            )?,
            log_level: var("VMAFX_LOG_LEVEL", "info"),
            settings: Settings {
                job_image: var("VMAFX_OPERATOR_JOB_IMAGE", &defaults.job_image),
                max_unpooled_jobs: max_unpooled.parse().map_err(|_| {
                    Error::Config(format!(
                        "VMAFX_OPERATOR_MAX_UNPOOLED_JOBS={max_unpooled:?} is not a count"
                    ))
                })?,
                heartbeat_timeout: defaults.heartbeat_timeout,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_match_the_documented_ones() {
        let c = config(&[]).unwrap();
        assert_eq!(c.metrics_addr, "0.0.0.0:8081".parse().unwrap());
        assert_eq!(c.health_addr, "0.0.0.0:8082".parse().unwrap());
        assert!(c.leader_election);
        assert_eq!(c.webhook_port, 0);
        assert_eq!(c.graceful_shutdown, Duration::from_secs(30));
        assert_eq!(c.log_level, "info");
    }

    #[test]
    fn reads_and_refuses_values() {
        let c = config(&[
            ("VMAFX_OPERATOR_METRICS_ADDR", "127.0.0.1:9000"),
            ("VMAFX_OPERATOR_LEADER_ELECTION", "false"),
            ("VMAFX_OPERATOR_WEBHOOK_PORT", "9443"),
            ("VMAFX_OPERATOR_GRACEFUL_SHUTDOWN", "2m"),
        ])
        .unwrap();
        assert_eq!(c.metrics_addr.port(), 9000);
        assert!(!c.leader_election);
        assert_eq!(c.webhook_port, 9443);
        assert_eq!(c.graceful_shutdown, Duration::from_secs(120));
        let e = config(&[("VMAFX_OPERATOR_GRACEFUL_SHUTDOWN", "soon")]).unwrap_err();
        assert!(
            e.to_string().contains("VMAFX_OPERATOR_GRACEFUL_SHUTDOWN"),
            "{e}"
        );
        assert!(config(&[("VMAFX_OPERATOR_WEBHOOK_PORT", "x")]).is_err());
        assert!(config(&[("VMAFX_OPERATOR_LEADER_ELECTION", "maybe")]).is_err());
    }
}
