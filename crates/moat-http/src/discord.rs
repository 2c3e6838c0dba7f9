//! The dashboard's own calls to Discord's OAuth2: the code-for-token exchange, then
//! `users/@me` and `users/@me/guilds` with the Bearer token, which is then dropped.
//!
//! Plain hyper over HTTP/1.1; `https://` needs the `tls` feature of the binary that links
//! this (a fake Discord on loopback needs none). Tokens and the client secret never reach a
//! log or an error message.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

/// Why a login could not be completed, in words (never with a token in them).
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("Discord could not be reached: {0}")]
    Unreachable(String),
    #[error("Discord refused {what} (HTTP {status})")]
    Refused { what: &'static str, status: u16 },
    #[error("Discord's answer to {0} could not be read")]
    Unreadable(&'static str),
    #[error("this build cannot reach {0}: it has no TLS (use a loopback fake, or build with TLS)")]
    NoTls(String),
}

/// The user, from `users/@me`.
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub global_name: Option<String>,
}

/// One entry of `users/@me/guilds`.
#[derive(Debug, Clone, Deserialize)]
pub struct UserGuild {
    pub id: String,
    #[serde(default)]
    pub owner: bool,
    /// A bit set, sent as a string.
    #[serde(default)]
    pub permissions: String,
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
}

/// A client for one Discord base URL.
#[derive(Clone)]
pub struct Discord {
    base: String,
    http: Client<HttpConnector, Full<Bytes>>,
}

impl Discord {
    pub fn new(base: &str) -> Discord {
        Discord {
            base: base.trim_end_matches('/').to_string(),
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Where the browser goes to approve.
    pub fn authorize_url(&self, client_id: u64, redirect: &str, state: &str) -> String {
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &client_id.to_string())
            .append_pair("scope", "identify guilds")
            .append_pair("state", state)
            .append_pair("redirect_uri", redirect)
            .append_pair("prompt", "none")
            .finish();
        format!("{}/oauth2/authorize?{q}", self.base)
    }

    async fn call(&self, what: &'static str, req: hyper::Request<Full<Bytes>>) -> Result<Bytes, DiscordError> {
        if self.base.starts_with("https://") {
            return Err(DiscordError::NoTls(self.base.clone()));
        }
        let resp = self.http.request(req).await.map_err(|e| DiscordError::Unreachable(e.to_string()))?;
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.map_err(|e| DiscordError::Unreachable(e.to_string()))?.to_bytes();
        if status != 200 {
            return Err(DiscordError::Refused { what, status });
        }
        Ok(body)
    }

    /// Exchanges an authorization code for an access token.
    pub async fn exchange(
        &self,
        client_id: u64,
        secret: &str,
        code: &str,
        redirect: &str,
    ) -> Result<String, DiscordError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", redirect)
            .append_pair("client_id", &client_id.to_string())
            .append_pair("client_secret", secret)
            .finish();
        let req = hyper::Request::post(format!("{}/api/oauth2/token", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| DiscordError::Unreadable("the token request"))?;
        let b = self.call("the login code", req).await?;
        let t: Token = serde_json::from_slice(&b).map_err(|_| DiscordError::Unreadable("the token request"))?;
        Ok(t.access_token)
    }

    async fn bearer_get<T: for<'de> Deserialize<'de>>(
        &self,
        what: &'static str,
        path: &str,
        token: &str,
    ) -> Result<T, DiscordError> {
        let req = hyper::Request::get(format!("{}/api/v10{path}", self.base))
            .header("authorization", format!("Bearer {token}"))
            .body(Full::new(Bytes::new()))
            .map_err(|_| DiscordError::Unreadable(what))?;
        let b = self.call(what, req).await?;
        serde_json::from_slice(&b).map_err(|_| DiscordError::Unreadable(what))
    }

    pub async fn me(&self, token: &str) -> Result<Me, DiscordError> {
        self.bearer_get("users/@me", "/users/@me", token).await
    }

    pub async fn guilds(&self, token: &str) -> Result<Vec<UserGuild>, DiscordError> {
        self.bearer_get("users/@me/guilds", "/users/@me/guilds", token).await
    }
}
