//! One connection: hyper's HTTP/1 over a stream, with the peer address in each request's
//! extensions, the header timeout, graceful shutdown on a signal, and hyper's own error
//! responses rewritten as `{"message","code"}`.
//!
//! hyper answers a request it cannot parse (bad request line or header, a target or
//! headers too long) itself, before any route, with an empty body; [`JsonErrors`] swaps
//! those responses for the API's error body on their way out.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{error_body, ErrorCode};

/// Serves `app` on one connection until the client closes it, the header timeout passes
/// between requests, or `shutdown` resolves (then the request in flight finishes and the
/// connection closes).
pub async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    app: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    use hyper_util::rt::{TokioIo, TokioTimer};
    let service =
        hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            tower::ServiceExt::oneshot(app.clone(), request)
        });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(JsonErrors::new(io)), service);
    tokio::pin!(connection);
    tokio::pin!(shutdown);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = &mut shutdown => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// A stream whose writes pass through, except hyper's bodiless 400, 414 and 431, which
/// go out as the API's JSON error responses instead.
pub struct JsonErrors<I> {
    inner: I,
    /// A rewritten response not yet fully written, and how much of it was.
    pending: Vec<u8>,
    sent: usize,
}

impl<I> JsonErrors<I> {
    pub fn new(inner: I) -> Self {
        JsonErrors {
            inner,
            pending: Vec::new(),
            sent: 0,
        }
    }
}

impl<I: AsyncWrite + Unpin> JsonErrors<I> {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for JsonErrors<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for JsonErrors<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.drain(cx))?;
        if let Some(replacement) = rewrite(buf) {
            this.pending = replacement;
            // taken whole; what is not written yet goes out on the next write or flush
            if let Poll::Ready(Err(e)) = this.drain(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The JSON error response replacing `buf` when `buf` is one of hyper's own error
/// responses: a whole head alone, status 400, 414 or 431, `content-length: 0`, no
/// `content-type`. The API's own errors always carry a JSON body
/// ([`crate::finish_response`]), so they never match.
fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    const HEADS: [(&[u8], ErrorCode); 3] = [
        (b"HTTP/1.1 400 ", ErrorCode::BadRequest),
        (b"HTTP/1.1 414 ", ErrorCode::UriTooLong),
        (b"HTTP/1.1 431 ", ErrorCode::HeadersTooLarge),
    ];
    if buf.len() > 1024 || !buf.ends_with(b"\r\n\r\n") {
        return None;
    }
    let code = HEADS
        .iter()
        .find(|(prefix, _)| buf.starts_with(prefix))
        .map(|(_, code)| *code)?;
    let head = std::str::from_utf8(buf).ok()?.to_ascii_lowercase();
    if head.matches("\r\n\r\n").count() != 1
        || !head.contains("\r\ncontent-length: 0\r\n")
        || head.contains("\r\ncontent-type:")
    {
        return None;
    }
    let body = error_body(code, code.meaning());
    let status = code.status();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-content-type-options: nosniff\r\ncontent-security-policy: {}\r\nconnection: close\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len(),
        crate::CONTENT_SECURITY_POLICY,
    );
    if let Some(date) = head.lines().find(|l| l.starts_with("date:")) {
        // hyper's own date line, in its own case
        let start = head.find(date).unwrap_or(0);
        let original = std::str::from_utf8(&buf[start..start + date.len()]).ok()?;
        out.push_str(original);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&body);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_error_heads_are_rewritten_as_json() {
        let hyper_431 =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Wed, 02 Dec 2026 03:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(hyper_431).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 431 "), "{out}");
        assert!(out.contains("content-type: application/json\r\n"), "{out}");
        assert!(
            out.contains("date: Wed, 02 Dec 2026 03:00:00 GMT\r\n"),
            "{out}"
        );
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], "headers_too_large");
        assert!(head.contains(&format!("content-length: {}\r\n", body.len())));
    }

    #[test]
    fn the_apis_own_responses_pass_untouched() {
        for head in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 41\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
        ] {
            assert!(rewrite(head).is_none(), "{}", String::from_utf8_lossy(head));
        }
    }
}
