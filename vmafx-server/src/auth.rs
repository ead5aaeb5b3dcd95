//! Bearer-token authentication for `/v1` and `/mcp`.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::errors::ApiError;

/// The accepted API tokens.
#[derive(Clone, Default)]
pub struct Tokens(Vec<Vec<u8>>);

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tokens({} configured)", self.0.len())
    }
}

impl Tokens {
    /// Tokens from a file (one a line, `#` comments, blank lines ignored) and from a
    /// comma-separated list (the `VMAFX_API_TOKENS` variable).
    pub fn load(file: Option<&Path>, list: Option<&str>) -> Result<Tokens, String> {
        let mut tokens = Vec::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("tokens file {}: {e}", path.display()))?;
            tokens.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_owned),
            );
        }
        if let Some(list) = list {
            tokens.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            );
        }
        if let Some(short) = tokens.iter().find(|t| t.len() < 16) {
            return Err(format!(
                "API tokens must have at least 16 characters ({} has {})",
                mask(short),
                short.len()
            ));
        }
        Ok(Tokens(tokens.into_iter().map(String::into_bytes).collect()))
    }

    /// Whether no token is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `candidate` is one of the tokens. Every token is compared in full, so the
    /// time taken does not tell how much of a guess was right.
    pub fn accepts(&self, candidate: &[u8]) -> bool {
        let mut found = false;
        for token in &self.0 {
            found |= constant_time_eq(token, candidate);
        }
        found
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn mask(token: &str) -> String {
    format!("{}...", token.chars().take(2).collect::<String>())
}

/// Middleware: lets the request through only with `Authorization: Bearer <token>`.
pub async fn require_token(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if app.config.insecure_no_auth {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    match presented {
        Some(token) if app.config.tokens.accepts(token.as_bytes()) => next.run(request).await,
        Some(_) => unauthorized("invalid API token"),
        None => unauthorized("missing `Authorization: Bearer <token>` header"),
    }
}

fn unauthorized(message: &str) -> Response {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_and_checks_tokens() {
        let tokens = Tokens::load(None, Some(" aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbbbb,")).unwrap();
        assert!(tokens.accepts(b"aaaaaaaaaaaaaaaa"));
        assert!(tokens.accepts(b"bbbbbbbbbbbbbbbbbb"));
        assert!(!tokens.accepts(b"aaaaaaaaaaaaaaab"));
        assert!(!tokens.accepts(b""));
        assert!(Tokens::load(None, Some("short")).is_err());
        assert!(Tokens::load(None, None).unwrap().is_empty());
    }
}
