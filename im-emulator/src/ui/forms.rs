//! Reading the page's form bodies within bounds: urlencoded forms, and the one file of an
//! import (`multipart/form-data`).

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::Ui;
use crate::net::{self, HttpRefusal};

/// The largest import body the page reads: 32 MiB. Larger states are imported with
/// `--import FILE` or [`RunningEmulator::import_state`](crate::RunningEmulator::import_state).
pub(crate) const MAX_IMPORT_BYTES: usize = 32 << 20;

/// Why a form could not be read: answered as plain text with its status.
#[derive(Debug)]
pub(crate) struct FormError {
    status: StatusCode,
    message: String,
}

impl FormError {
    fn bad(message: impl Into<String>) -> Self {
        FormError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

impl From<HttpRefusal> for FormError {
    fn from(refusal: HttpRefusal) -> Self {
        FormError {
            status: refusal.status,
            message: refusal.info,
        }
    }
}

impl IntoResponse for FormError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}: {}\n", self.status, self.message),
        )
            .into_response()
    }
}

/// Reads a body of at most `max` bytes within the emulator's body timeout and memory budget.
async fn read(ui: &Ui, headers: &HeaderMap, body: Body, max: usize) -> Result<Bytes, FormError> {
    let mut limits = ui.app.limits.clone();
    limits.max_body_bytes = max;
    let body = net::read_body(headers, body, &limits, &ui.app.bodies).await?;
    Ok(body.bytes)
}

/// An `application/x-www-form-urlencoded` body of at most `max` bytes, as its fields (the last
/// of a repeated name wins).
pub(crate) async fn urlencoded(
    ui: &Ui,
    headers: &HeaderMap,
    body: Body,
    max: usize,
) -> Result<HashMap<String, String>, FormError> {
    let bytes = read(ui, headers, body, max).await?;
    Ok(url::form_urlencoded::parse(&bytes).into_owned().collect())
}

/// The file field `name` of a `multipart/form-data` body of at most `max` bytes.
pub(crate) async fn multipart_file(
    ui: &Ui,
    headers: &HeaderMap,
    body: Body,
    name: &str,
    max: usize,
) -> Result<Bytes, FormError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        FormError::bad("the import must be sent as multipart/form-data (the page's form does)")
    })?;
    let bytes = read(ui, headers, body, max).await?;
    let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|err| FormError::bad(format!("the form is not valid multipart: {err}")))?;
        let Some(field) = field else {
            return Err(FormError::bad(format!(
                "the form has no field {name:?}: choose a file to import"
            )));
        };
        if field.name() == Some(name) {
            return field
                .bytes()
                .await
                .map_err(|err| FormError::bad(format!("the file could not be read: {err}")));
        }
    }
}
