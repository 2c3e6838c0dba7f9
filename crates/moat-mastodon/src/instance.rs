//! `GET /api/v2/instance`: where the streaming API lives (`configuration.urls.streaming`,
//! which may be another host than the API's) and the status character limit
//! (`configuration.statuses.max_characters`), read once at start and again when needed.

use serde::Deserialize;

use crate::http::{Api, ApiError, Urgency};

/// What moat reads of the instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instance {
    /// `wss://streaming.example` (no trailing slash), if the server says.
    pub streaming_url: Option<String>,
    pub max_characters: Option<usize>,
    pub version: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Wire {
    version: Option<String>,
    configuration: Option<Configuration>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Configuration {
    urls: Option<Urls>,
    statuses: Option<Statuses>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Urls {
    streaming: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Statuses {
    max_characters: Option<usize>,
}

/// Why the instance could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("GET /api/v2/instance answered {0}")]
    Status(u16),
    #[error("GET /api/v2/instance: {0}")]
    Body(String),
}

impl Instance {
    /// Reads an instance entity.
    pub fn parse(body: &[u8]) -> Result<Instance, InstanceError> {
        let w: Wire = serde_json::from_slice(body).map_err(|e| InstanceError::Body(e.to_string()))?;
        let c = w.configuration.unwrap_or_default();
        let streaming_url =
            c.urls.and_then(|u| u.streaming).map(|s| s.trim_end_matches('/').to_string()).filter(|s| !s.is_empty());
        Ok(Instance { streaming_url, max_characters: c.statuses.and_then(|s| s.max_characters), version: w.version })
    }

    /// Asks the server.
    pub async fn fetch(api: &Api) -> Result<Instance, InstanceError> {
        let a = api.get("/api/v2/instance", Urgency::Normal).await?;
        if !(200..300).contains(&a.status) {
            return Err(InstanceError::Status(a.status));
        }
        Instance::parse(&a.body)
    }

    /// The streaming base URL: the instance's, else the API's with `ws(s)://`.
    pub fn streaming_base(&self, api_base: &str) -> String {
        match &self.streaming_url {
            Some(u) => u.clone(),
            None => ws_of(api_base),
        }
    }
}

/// Reads the instance, recording its character limit in `max_chars`; `None` (logged) if it
/// cannot be read now.
pub async fn learn(api: &Api, max_chars: &std::sync::atomic::AtomicUsize) -> Option<Instance> {
    match Instance::fetch(api).await {
        Ok(i) => {
            if let Some(n) = i.max_characters.filter(|&n| n > 0) {
                max_chars.store(n, std::sync::atomic::Ordering::Relaxed);
            }
            Some(i)
        }
        Err(e) => {
            tracing::warn!(error = %e, url = api.base(), "mastodon: cannot read the instance yet");
            None
        }
    }
}

/// `https://x` → `wss://x`, `http://x` → `ws://x`.
pub fn ws_of(base: &str) -> String {
    if let Some(r) = base.strip_prefix("https://") {
        format!("wss://{r}")
    } else if let Some(r) = base.strip_prefix("http://") {
        format!("ws://{r}")
    } else {
        base.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_streaming_url_and_limit() {
        let i = Instance::parse(br#"{"version":"4.3.0","configuration":{"urls":{"streaming":"wss://streaming.example/"},"statuses":{"max_characters":500}}}"#)
            .expect("parses");
        assert_eq!(i.streaming_base("https://x.example"), "wss://streaming.example");
        assert_eq!(i.max_characters, Some(500));
        let bare = Instance::parse(br#"{"configuration":{"urls":{"streaming":null}}}"#).expect("parses");
        assert_eq!(bare.streaming_base("https://x.example"), "wss://x.example");
        assert_eq!(ws_of("http://127.0.0.1:4000"), "ws://127.0.0.1:4000");
        assert!(Instance::parse(b"<html>").is_err());
    }
}
