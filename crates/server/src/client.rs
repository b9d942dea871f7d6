//! A blocking client for the API (ureq, plain HTTP), for load tests and tools that talk
//! to a running server. One [`Client`] keeps its connection alive between requests.

use std::io::Read;
use std::net::SocketAddr;

/// A client of the server at one address.
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

/// A request that got no HTTP answer (connection refused or dropped, malformed response).
#[derive(Debug, thiserror::Error)]
#[error("HTTP request failed: {0}")]
pub struct ClientError(#[from] ureq::Error);

impl Client {
    /// A client of `http://addr`; nothing connects until the first request.
    pub fn new(addr: SocketAddr) -> Client {
        // Error statuses are answers to look at, not failures of the request.
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            base: format!("http://{addr}"),
        }
    }

    /// `GET path`: the status and the body, read to its end so the connection can serve the
    /// next request.
    pub fn get(&self, path: &str) -> Result<(u16, Vec<u8>), ClientError> {
        let response = self.agent.get(format!("{}{path}", self.base)).call()?;
        answer(response)
    }

    /// `POST path` with a JSON body: the status and the body.
    pub fn post_json(&self, path: &str, json: &str) -> Result<(u16, Vec<u8>), ClientError> {
        let response = self
            .agent
            .post(format!("{}{path}", self.base))
            .content_type("application/json")
            .send(json)?;
        answer(response)
    }
}

/// The status and the whole body, read to its end so the connection can serve the next
/// request.
fn answer(mut response: ureq::http::Response<ureq::Body>) -> Result<(u16, Vec<u8>), ClientError> {
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .read_to_end(&mut body)
        .map_err(ureq::Error::from)?;
    Ok((response.status().as_u16(), body))
}
