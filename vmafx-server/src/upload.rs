//! Reading a scoring request: either `multipart/form-data` with the two videos as file
//! fields, or JSON that names them by `file://` URI.

use std::path::{Path, PathBuf};

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::app::App;
use crate::errors::ApiError;
use crate::scoring::{RawGeometry, ScoreSpec};

/// The JSON form of a scoring request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UriRequest {
    /// `file://` URI of the reference.
    pub reference: String,
    /// `file://` URI of the distorted video.
    pub distorted: String,
    /// Models (see [`ScoreSpec::models`]).
    pub models: Option<Vec<String>>,
    /// Extra features.
    #[serde(default)]
    pub features: Vec<String>,
    /// Raw YUV width.
    pub width: Option<usize>,
    /// Raw YUV height.
    pub height: Option<usize>,
    /// Raw YUV layout (default 420).
    pub pixel_format: Option<String>,
    /// Raw YUV bit depth (default 8).
    pub bit_depth: Option<u8>,
    /// Backend.
    pub backend: Option<String>,
}

impl UriRequest {
    /// The spec and the two confined paths.
    pub fn resolve(self, app: &App) -> Result<ParsedRequest, ApiError> {
        let raw = geometry(self.width, self.height, self.pixel_format, self.bit_depth)?;
        let spec = ScoreSpec {
            models: self.models,
            features: self.features,
            raw,
            backend: self.backend,
        };
        Ok(ParsedRequest {
            reference: app.config.roots.resolve_uri(&self.reference)?,
            distorted: app.config.roots.resolve_uri(&self.distorted)?,
            spec,
            uploaded: false,
        })
    }
}

/// A request ready to score.
#[derive(Debug)]
pub struct ParsedRequest {
    /// Reference file (uploaded, or under a root).
    pub reference: PathBuf,
    /// Distorted file.
    pub distorted: PathBuf,
    /// What to compute.
    pub spec: ScoreSpec,
    /// Whether the inputs were uploaded (into the folder given to [`parse`]).
    pub uploaded: bool,
}

/// Reads a request. Uploads are written into `upload_dir` (created here); with
/// `durable`, they are on disk, synced, before this returns.
pub async fn parse(
    app: &App,
    request: Request,
    upload_dir: &Path,
    durable: bool,
) -> Result<ParsedRequest, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        read_multipart(multipart, upload_dir, durable).await
    } else if content_type.starts_with("application/json") {
        let body = read_json_body(request, app.config.max_json_bytes).await?;
        let uri_request: UriRequest = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON request: {e}")))?;
        uri_request.resolve(app)
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_content_type",
            "send multipart/form-data with files `reference` and `distorted`, \
             or application/json with file:// URIs",
        ))
    }
}

/// The body, refused with 413 past `limit` bytes.
pub async fn read_json_body(request: Request, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|e| {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                ApiError::too_large(format!("JSON body over {limit} bytes"))
            } else {
                ApiError::bad_request(format!("cannot read body: {e}"))
            }
        })
}

/// Text fields collected from a multipart body.
#[derive(Default)]
struct Fields {
    models: Option<Vec<String>>,
    features: Vec<String>,
    width: Option<usize>,
    height: Option<usize>,
    pixel_format: Option<String>,
    bit_depth: Option<u8>,
    backend: Option<String>,
}

async fn read_multipart(
    mut multipart: Multipart,
    upload_dir: &Path,
    durable: bool,
) -> Result<ParsedRequest, ApiError> {
    tokio::fs::create_dir_all(upload_dir).await?;
    let mut fields = Fields::default();
    let mut files: [Option<PathBuf>; 2] = [None, None];
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_owned();
        let slot = match name.as_str() {
            "reference" => Some(0),
            "distorted" => Some(1),
            _ => None,
        };
        if let Some(slot) = slot {
            if files[slot].is_some() {
                return Err(ApiError::bad_request(format!("field {name} appears twice")));
            }
            // The client's file name is never used: the server picks the path.
            let path = upload_dir.join(&name);
            let mut file = tokio::fs::File::create(&path).await?;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                file.write_all(&chunk).await?;
            }
            file.flush().await?;
            if durable {
                file.sync_all().await?;
            }
            files[slot] = Some(path);
            continue;
        }
        let value = field.text().await.map_err(multipart_error)?;
        fields.set(&name, value)?;
    }
    let [Some(reference), Some(distorted)] = files else {
        return Err(ApiError::bad_request(
            "a multipart request needs the file fields `reference` and `distorted`",
        ));
    };
    if durable {
        sync_dir(upload_dir).await?;
    }
    let raw = geometry(
        fields.width,
        fields.height,
        fields.pixel_format,
        fields.bit_depth,
    )?;
    Ok(ParsedRequest {
        reference,
        distorted,
        spec: ScoreSpec {
            models: fields.models,
            features: fields.features,
            raw,
            backend: fields.backend,
        },
        uploaded: true,
    })
}

impl Fields {
    fn set(&mut self, name: &str, value: String) -> Result<(), ApiError> {
        let value = value.trim().to_owned();
        let number = |v: &str| {
            v.parse::<usize>().map_err(|_| {
                ApiError::bad_request(format!("field {name} must be a number, not {v:?}"))
            })
        };
        match name {
            "model" | "models" => {
                let models = self.models.get_or_insert_with(Vec::new);
                // `none` asks for features only.
                if value != "none" {
                    models.push(value);
                }
            }
            "feature" | "features" => self.features.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned),
            ),
            "width" => self.width = Some(number(&value)?),
            "height" => self.height = Some(number(&value)?),
            "pixel_format" => self.pixel_format = Some(value),
            "bit_depth" => {
                let depth = number(&value)?;
                self.bit_depth = Some(u8::try_from(depth).map_err(|_| {
                    ApiError::bad_request(format!("bit_depth {depth} is out of range"))
                })?)
            }
            "backend" => self.backend = Some(value),
            other => return Err(ApiError::bad_request(format!("unknown field {other:?}"))),
        }
        Ok(())
    }
}

/// A raw geometry from optional parts: width and height together, or neither.
fn geometry(
    width: Option<usize>,
    height: Option<usize>,
    pixel_format: Option<String>,
    bit_depth: Option<u8>,
) -> Result<Option<RawGeometry>, ApiError> {
    match (width, height) {
        (Some(width), Some(height)) => {
            let raw = RawGeometry {
                width,
                height,
                pixel_format: pixel_format.unwrap_or_else(|| "420".into()),
                bit_depth: bit_depth.unwrap_or(8),
            };
            raw.format()?;
            Ok(Some(raw))
        }
        (None, None) if pixel_format.is_none() && bit_depth.is_none() => Ok(None),
        _ => Err(ApiError::bad_request(
            "raw YUV needs both width and height (pixel_format and bit_depth are optional)",
        )),
    }
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    let status = error.status();
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large("upload over the size limit")
    } else {
        ApiError::new(
            status,
            "bad_request",
            format!("multipart body: {}", error.body_text()),
        )
    }
}

/// Makes a folder's entries durable (new files and renames in it).
pub async fn sync_dir(dir: &Path) -> Result<(), ApiError> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
        .await
        .map_err(|e| ApiError::internal(format!("sync task: {e}")))??;
    Ok(())
}
