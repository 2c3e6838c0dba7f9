//! One HTTP/1.1 connection pool to a Mastodon server (hyper-util's client), over plain HTTP
//! for loopback or over rustls for `https://` (built with the `tls` feature: ring and the
//! webpki roots, the same TLS the streaming client uses). It sends a request and reads the
//! answer with a time limit and a size limit; it knows nothing of Mastodon. The token is
//! added here, from a [`Secret`], and appears in no error.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use hyper::{Method, Request};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::secret::Secret;

#[cfg(feature = "tls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "tls"))]
type Connector = HttpConnector;

/// The largest answer read (a page of 40 statuses is well under 1 MiB).
pub const MAX_ANSWER: usize = 8 << 20;
const USER_AGENT_VALUE: &str = concat!("moat/", env!("CARGO_PKG_VERSION"), " (+https://github.com/moat)");

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("this build has no TLS: build moat with `--features tls` to reach https:// servers")]
    NoTls,
    #[error("the request could not be made: {0}")]
    Request(String),
    #[error("no answer: {0}")]
    Unreachable(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the answer is larger than {MAX_ANSWER} bytes")]
    TooLarge,
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Mastodon's `{"error": "…"}` message, if the body is one.
    pub fn error_message(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("error").and_then(|e| e.as_str()).map(|s| s.chars().take(300).collect())
    }
}

/// The connection pool and the server it talks to.
pub struct Transport {
    client: Client<Connector, Full<Bytes>>,
    base: String,
    auth: HeaderValue,
    timeout: Duration,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("base", &self.base).field("token", &"***").finish()
    }
}

#[cfg(feature = "tls")]
fn connector() -> Connector {
    crate::tls::install_provider();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots().https_or_http().enable_http1().wrap_connector(http)
}

#[cfg(not(feature = "tls"))]
fn connector() -> Connector {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http
}

impl Transport {
    /// A pool for `base` (`https://host` or `http://127.0.0.1:PORT`, no trailing slash).
    pub fn new(base: &str, token: &Secret, timeout: Duration) -> Result<Transport, TransportError> {
        if base.starts_with("https://") && !cfg!(feature = "tls") {
            return Err(TransportError::NoTls);
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| TransportError::Request("the token has characters a header cannot carry".into()))?;
        auth.set_sensitive(true);
        let client =
            Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(60)).build(connector());
        Ok(Transport { client, base: base.trim_end_matches('/').to_string(), auth, timeout })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends `method path_and_query` with an optional form body and extra headers.
    pub async fn send(
        &self,
        method: &Method,
        path_and_query: &str,
        form: Option<&str>,
        extra: &[(&'static str, String)],
    ) -> Result<Answer, TransportError> {
        let uri = format!("{}{path_and_query}", self.base);
        let mut req = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(AUTHORIZATION, self.auth.clone())
            .header(USER_AGENT, USER_AGENT_VALUE)
            .header("accept", "application/json");
        if form.is_some() {
            req = req.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (k, v) in extra {
            req = req.header(*k, v.as_str());
        }
        let body = Full::new(Bytes::from(form.unwrap_or("").to_string()));
        let req = req.body(body).map_err(|e| TransportError::Request(e.to_string()))?;
        let exchange = async {
            let resp = self.client.request(req).await.map_err(|e| TransportError::Unreachable(describe(&e)))?;
            let status = resp.status().as_u16();
            let (parts, body) = resp.into_parts();
            let body = Limited::new(body, MAX_ANSWER).collect().await.map_err(|_| TransportError::TooLarge)?.to_bytes();
            Ok(Answer { status, headers: parts.headers, body })
        };
        tokio::time::timeout(self.timeout, exchange).await.map_err(|_| TransportError::Timeout(self.timeout))?
    }
}

/// A client error with its causes, which name the host and the failure, never a header.
fn describe(e: &hyper_util::client::legacy::Error) -> String {
    let mut s = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn https_needs_the_tls_feature_and_the_token_is_hidden() {
        let token = Secret::new("tok-hidden");
        let t = Transport::new("https://small.example", &token, Duration::from_secs(1));
        if cfg!(feature = "tls") {
            let t = t.expect("https is available with the tls feature");
            assert!(!format!("{t:?}").contains("tok-hidden"));
        } else {
            assert_eq!(t.err(), Some(TransportError::NoTls));
        }
        let plain = Transport::new("http://127.0.0.1:9", &token, Duration::from_secs(1)).expect("plain http");
        assert!(!format!("{plain:?}").contains("tok-hidden"));
        assert!(Transport::new("http://127.0.0.1:9", &Secret::new("bad\ntoken"), Duration::from_secs(1)).is_err());
    }
}
