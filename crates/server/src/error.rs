//! The one table from error to HTTP: [`ErrorCode`] gives each error its status, its stable
//! machine code and a one-line meaning. Error responses, the OpenAPI document's list of
//! codes and the table in `docs/api.md` (checked by a test) all come from it.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use corroborate_store::StoreError;
use serde::Serialize;

/// Every error the API answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    NotFound,
    UnknownFormat,
    BadQuery,
    BadBody,
    InvalidJson,
    InvalidArticle,
    PayloadTooLarge,
    MethodNotAllowed,
    Unauthorized,
    Forbidden,
    ReadOnly,
    RequestTimeout,
    BadRequest,
    UriTooLong,
    HeadersTooLarge,
    Busy,
    WritesBusy,
    DataCorruption,
    AnalysisFailed,
    Internal,
    StorageFull,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::NotFound,
        ErrorCode::UnknownFormat,
        ErrorCode::BadQuery,
        ErrorCode::BadBody,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidArticle,
        ErrorCode::PayloadTooLarge,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::ReadOnly,
        ErrorCode::RequestTimeout,
        ErrorCode::BadRequest,
        ErrorCode::UriTooLong,
        ErrorCode::HeadersTooLarge,
        ErrorCode::Busy,
        ErrorCode::WritesBusy,
        ErrorCode::DataCorruption,
        ErrorCode::AnalysisFailed,
        ErrorCode::Internal,
        ErrorCode::StorageFull,
    ];

    /// The HTTP status it answers with.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::NotFound | ErrorCode::UnknownFormat => StatusCode::NOT_FOUND,
            ErrorCode::BadQuery
            | ErrorCode::BadBody
            | ErrorCode::InvalidJson
            | ErrorCode::InvalidArticle
            | ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::UriTooLong => StatusCode::URI_TOO_LONG,
            ErrorCode::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden | ErrorCode::ReadOnly => StatusCode::FORBIDDEN,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Busy | ErrorCode::WritesBusy => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::DataCorruption | ErrorCode::AnalysisFailed | ErrorCode::Internal => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            ErrorCode::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
        }
    }

    /// The stable machine code, the `code` of the error body.
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::UnknownFormat => "unknown_format",
            ErrorCode::BadQuery => "bad_query",
            ErrorCode::BadBody => "bad_body",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidArticle => "invalid_article",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::UriTooLong => "uri_too_long",
            ErrorCode::HeadersTooLarge => "headers_too_large",
            ErrorCode::Busy => "busy",
            ErrorCode::WritesBusy => "writes_busy",
            ErrorCode::DataCorruption => "data_corruption",
            ErrorCode::AnalysisFailed => "analysis_failed",
            ErrorCode::Internal => "internal",
            ErrorCode::StorageFull => "storage_full",
        }
    }

    /// What it means, in one line, for the docs.
    pub fn meaning(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "No story, article or fact with that id, or no such route.",
            ErrorCode::UnknownFormat => {
                "The export format is not `json`, `markdown`, `html`, `csv`, `prov` or `jsonld`."
            }
            ErrorCode::BadQuery => {
                "Unreadable query: `page` below 1, `per_page` outside 1–100, not numbers, bad percent-encoding, `q`, `outlet` or `language` over `max_query_bytes` (default 1,000 bytes), `from`/`to` not a date, or an unknown `status`."
            }
            ErrorCode::BadBody => "The request body could not be read.",
            ErrorCode::InvalidJson => "The body is not UTF-8 or not valid JSON.",
            ErrorCode::InvalidArticle => "The body holds no readable article.",
            ErrorCode::PayloadTooLarge => {
                "The body is over `--body-limit` (`body_limit`, default 16 MiB)."
            }
            ErrorCode::MethodNotAllowed => "The route does not take that method.",
            ErrorCode::Unauthorized => {
                "A write without the token the server was given (`serve --token-file`): send `Authorization: Bearer TOKEN`."
            }
            ErrorCode::Forbidden => {
                "Refused by the access policy: a write from beyond loopback or from a web page (`Origin`) with no token configured, or a loopback request whose `Host` is not a loopback name (DNS rebinding)."
            }
            ErrorCode::ReadOnly => {
                "A write to a database that is read-only here (file, folder or media not writable): the server serves reads only. Also a read of what a read-only database of an older schema lacks (the story list's filters, the feeds): a writer upgrades it."
            }
            ErrorCode::RequestTimeout => {
                "The request body did not arrive within `body_timeout_secs` (default 30 s)."
            }
            ErrorCode::BadRequest => {
                "Not well-formed HTTP/1.1 (bad request line, method or header), refused before any route."
            }
            ErrorCode::UriTooLong => "The request target is too long for the HTTP parser.",
            ErrorCode::HeadersTooLarge => {
                "The request's headers are larger than the HTTP parser's buffer (about 400 KiB)."
            }
            ErrorCode::Busy => "The database stayed locked past 30 s; try again.",
            ErrorCode::WritesBusy => {
                "More writes waiting than `max_pending_writes` (default 2); retry after the `Retry-After` seconds."
            }
            ErrorCode::DataCorruption => {
                "Stored data does not decode: a fault of the database file."
            }
            ErrorCode::AnalysisFailed => "Analysing the stored articles failed.",
            ErrorCode::Internal => "Any other fault of the server.",
            ErrorCode::StorageFull => {
                "The database could not be written (disk full, a file-size limit, a failed write): nothing of this request was stored."
            }
        }
    }

    /// The Markdown table of every code (status, code, meaning), as `docs/api.md` holds it.
    pub fn markdown_table() -> String {
        let mut out = String::from("| Status | Code | Meaning |\n| --- | --- | --- |\n");
        for c in ErrorCode::ALL {
            out.push_str(&format!(
                "| {} | `{}` | {} |\n",
                c.status().as_u16(),
                c.code(),
                c.meaning()
            ));
        }
        out
    }
}

/// An API error: its [`ErrorCode`] and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }
    pub fn status(&self) -> StatusCode {
        self.code.status()
    }
    pub(crate) fn not_found(what: &str, id: &str) -> Self {
        ApiError::new(ErrorCode::NotFound, format!("no {what} with id {id:?}"))
    }
    pub(crate) fn internal(message: String) -> Self {
        ApiError::new(ErrorCode::Internal, message)
    }
}

/// Store errors are faults of the server or its file, never of the request.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Sqlite(rusqlite_error) if corroborate_store::is_busy(rusqlite_error) => {
                ErrorCode::Busy
            }
            StoreError::Sqlite(rusqlite_error)
                if corroborate_store::is_corruption(rusqlite_error) =>
            {
                ErrorCode::DataCorruption
            }
            StoreError::Sqlite(rusqlite_error)
                if corroborate_store::is_write_failure(rusqlite_error) =>
            {
                ErrorCode::StorageFull
            }
            StoreError::DataCorruption { .. } => ErrorCode::DataCorruption,
            StoreError::Analysis(_) => ErrorCode::AnalysisFailed,
            // a read-only file of an older schema: only a writer can upgrade it
            StoreError::OlderSchema { .. } => ErrorCode::ReadOnly,
            _ => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
    code: &'a str,
}

/// The JSON error body `{"message","code"}`.
pub(crate) fn error_body(code: ErrorCode, message: &str) -> String {
    serde_json::to_string(&ErrorBody {
        message,
        code: code.code(),
    })
    .unwrap_or_default()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = error_body(self.code, &self.message);
        let mut response = (
            self.status(),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        if self.code == ErrorCode::WritesBusy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        response
    }
}
