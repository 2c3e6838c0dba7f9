//! Real clients for the tests: a plain HTTP/1.1 client, a WebSocket client, and a webhook
//! receiver that checks signatures the way moat's listener must.

#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue};
use hyper_util::rt::TokioIo;
use moat_fake_mastodon::{webhook, FakeMastodon};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};

/// An answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    pub fn header(&self, k: &str) -> Option<&str> {
        self.headers.get(k).and_then(|v| v.to_str().ok())
    }
}

/// One request to the fake: `body` is `(content type, text)`.
pub async fn call(
    fake: &FakeMastodon,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &str)>,
) -> Resp {
    send(fake.addr(), method, path, &[("authorization", token.map(|t| format!("Bearer {t}")))], body).await
}

/// A request with any headers (`None` values are left out).
pub async fn send(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, Option<String>)],
    body: Option<(&str, &str)>,
) -> Resp {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.expect("handshake");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut req = hyper::Request::builder().method(method).uri(path).header("host", addr.to_string());
    for (k, v) in headers {
        if let Some(v) = v {
            req = req.header(*k, v.as_str());
        }
    }
    let (ct, text) = body.unwrap_or(("", ""));
    if !ct.is_empty() {
        req = req.header("content-type", ct);
    }
    let req = req.body(Full::new(Bytes::from(text.to_string()))).expect("request");
    let resp = sender.send_request(req).await.expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
        .unwrap_or_default();
    Resp { status, headers, body }
}

pub async fn get(fake: &FakeMastodon, path: &str, token: &str) -> Resp {
    call(fake, "GET", path, Some(token), None).await
}

pub async fn post_form(fake: &FakeMastodon, path: &str, token: &str, form: &str) -> Resp {
    call(fake, "POST", path, Some(token), Some(("application/x-www-form-urlencoded", form))).await
}

pub async fn post_json(fake: &FakeMastodon, path: &str, token: &str, json: &Value) -> Resp {
    call(fake, "POST", path, Some(token), Some(("application/json", &json.to_string()))).await
}

pub type Ws = tokio_websockets::WebSocketStream<tokio_websockets::MaybeTlsStream<TcpStream>>;

/// Opens the streaming WebSocket at `url` (e.g. `ws://…/api/v1/streaming?stream=public`)
/// with the token in the `Authorization` header.
pub async fn stream(url: &str, token: &str) -> Ws {
    let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("header");
    let (ws, _) = tokio_websockets::ClientBuilder::new()
        .uri(url)
        .expect("uri")
        .add_header(HeaderName::from_static("authorization"), value)
        .expect("header")
        .connect()
        .await
        .expect("upgrade");
    ws
}

/// The next message of a stream as JSON, within 5 s (`None` when the stream ended).
pub async fn next_event(ws: &mut Ws) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("a message within 5 s");
        match msg {
            Some(Ok(m)) if m.is_text() => return m.as_text().and_then(|t| serde_json::from_str(t).ok()),
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

/// One webhook as the receiver got it.
#[derive(Debug, Clone)]
pub struct Got {
    pub body: String,
    pub signature: Option<String>,
    pub content_type: Option<String>,
    /// Whether the signature was right (what the receiver answered on).
    pub valid: bool,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A webhook receiver on loopback: checks `X-Hub-Signature` with `secret` and answers 200
/// (401 when it is wrong or missing); the first `fail_first` deliveries get a 500.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    pub async fn start(secret: &str, fail_first: usize) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let url = format!("http://{}/mastodon/webhook", listener.local_addr().expect("addr"));
        let got: Arc<Mutex<Vec<Got>>> = Arc::new(Mutex::new(Vec::new()));
        let (secret, store) = (secret.to_string(), got.clone());
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                let (secret, store) = (secret.clone(), store.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (secret, store) = (secret.clone(), store.clone());
                        async move {
                            let h = |k: &str| req.headers().get(k).and_then(|v| v.to_str().ok()).map(str::to_string);
                            let (signature, content_type) = (h("x-hub-signature"), h("content-type"));
                            let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                            let valid = signature.as_deref() == Some(webhook::sign(&secret, &body).as_str());
                            let n = {
                                let mut g = store.lock().unwrap_or_else(|e| e.into_inner());
                                g.push(Got {
                                    body: String::from_utf8_lossy(&body).into_owned(),
                                    signature,
                                    content_type,
                                    valid,
                                });
                                g.len()
                            };
                            let status = if n <= fail_first {
                                500
                            } else if valid {
                                200
                            } else {
                                401
                            };
                            let resp = hyper::Response::builder()
                                .status(status)
                                .body(Full::new(Bytes::new()))
                                .expect("response");
                            Ok::<_, Infallible>(resp)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tcp), svc).await;
                });
            }
        });
        Receiver { url, got }
    }

    pub fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
