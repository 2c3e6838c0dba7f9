//! The `[http]` section of `moat.toml`, typed here because this crate is its only user.
//!
//! ```toml
//! [http]
//! bind = "127.0.0.1:8080"         # loopback unless you say otherwise (see `behind_proxy`)
//! public_url = "https://moat.example.org"  # what browsers and Discord's redirect see
//! client_id = 123456789012345678  # the Discord application (its bot's id)
//! # client_secret: from MOAT_HTTP_CLIENT_SECRET, never from a file that may be shared
//! session_hours = 12
//! ```
//!
//! Binding anything but loopback is refused unless `behind_proxy = true`: the dashboard
//! speaks plain HTTP and must sit behind a TLS-terminating proxy (the README explains).

use std::net::SocketAddr;

use serde::Deserialize;

/// A bad `[http]` section, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("`http.{key}`: {reason}")]
    Invalid { key: &'static str, reason: String },
    #[error("`http`: {0}")]
    Parse(String),
}

/// The dashboard's settings.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    pub bind: SocketAddr,
    /// Base URL browsers reach the dashboard at (default `http://BIND`); the OAuth2
    /// redirect is `PUBLIC_URL/auth/callback`.
    pub public_url: Option<String>,
    /// Where Discord is: `https://discord.com` (`/oauth2/authorize`, `/api/v10/...`), or
    /// a fake's `http://127.0.0.1:PORT`.
    pub discord_url: String,
    /// The OAuth2 client id (the application's id).
    pub client_id: u64,
    /// The OAuth2 client secret. Kept out of `Debug`; prefer `MOAT_HTTP_CLIENT_SECRET`.
    pub client_secret: String,
    /// Key that signs session cookies (any text, at least 32 bytes); a random one per
    /// process when empty (sessions then end with the process).
    pub cookie_key: String,
    pub session_hours: u32,
    /// Logins a single address may start per minute.
    pub logins_per_minute: u32,
    /// Allow a non-loopback `bind` (only behind a TLS-terminating proxy).
    pub behind_proxy: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            discord_url: "https://discord.com".into(),
            client_id: 0,
            client_secret: String::new(),
            cookie_key: String::new(),
            session_hours: 12,
            logins_per_minute: 10,
            behind_proxy: false,
        }
    }
}

impl std::fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpConfig")
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("discord_url", &self.discord_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &if self.client_secret.is_empty() { "(none)" } else { "(set)" })
            .field("session_hours", &self.session_hours)
            .field("behind_proxy", &self.behind_proxy)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    http: Option<toml::Value>,
}

impl HttpConfig {
    /// The `[http]` table of a whole configuration file (other sections are other crates'),
    /// with `MOAT_HTTP_CLIENT_SECRET` filling an empty `client_secret`. `None` without one.
    pub fn from_file_text(text: &str) -> Result<Option<HttpConfig>, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        let Some(table) = file.http else { return Ok(None) };
        let mut cfg: HttpConfig = table.try_into().map_err(|e: toml::de::Error| ConfigError::Parse(e.to_string()))?;
        if cfg.client_secret.is_empty() {
            cfg.client_secret = std::env::var("MOAT_HTTP_CLIENT_SECRET").unwrap_or_default();
        }
        cfg.check()?;
        Ok(Some(cfg))
    }

    /// Refuses what would be unsafe or cannot work.
    pub fn check(&self) -> Result<(), ConfigError> {
        if !self.bind.ip().is_loopback() && !self.behind_proxy {
            return Err(ConfigError::Invalid {
                key: "bind",
                reason: format!(
                    "{} is not a loopback address; the dashboard speaks plain HTTP, so put it behind a TLS proxy and set `behind_proxy = true`",
                    self.bind
                ),
            });
        }
        if !self.cookie_key.is_empty() && self.cookie_key.len() < 32 {
            return Err(ConfigError::Invalid { key: "cookie_key", reason: "must be at least 32 bytes".into() });
        }
        if self.session_hours == 0 || self.session_hours > 24 * 30 {
            return Err(ConfigError::Invalid { key: "session_hours", reason: "must be between 1 and 720".into() });
        }
        if self.logins_per_minute == 0 {
            return Err(ConfigError::Invalid { key: "logins_per_minute", reason: "must be at least 1".into() });
        }
        for (key, url) in [("discord_url", Some(&self.discord_url)), ("public_url", self.public_url.as_ref())] {
            if let Some(u) = url {
                if !(u.starts_with("http://") || u.starts_with("https://")) {
                    return Err(ConfigError::Invalid { key, reason: format!("`{u}` is not an http(s) URL") });
                }
            }
        }
        Ok(())
    }

    /// The base URL browsers use, without a trailing slash.
    pub fn public_base(&self, bound: SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{bound}")).trim_end_matches('/').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_bind_needs_a_proxy() {
        let e = HttpConfig::from_file_text("[http]\nbind = \"0.0.0.0:8080\"\n").unwrap_err().to_string();
        assert!(e.starts_with("`http.bind`"), "{e}");
        let ok = HttpConfig::from_file_text("[http]\nbind = \"0.0.0.0:8080\"\nbehind_proxy = true\n").unwrap();
        assert!(ok.is_some());
    }

    #[test]
    fn no_section_no_dashboard_and_unknown_keys_are_named() {
        assert!(HttpConfig::from_file_text("[raid]\nenabled = true\n").unwrap().is_none());
        let e = HttpConfig::from_file_text("[http]\nbnd = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("bnd"), "{e}");
        let e = HttpConfig::from_file_text("[http]\ncookie_key = \"short\"\n").unwrap_err().to_string();
        assert!(e.contains("http.cookie_key"), "{e}");
    }

    #[test]
    fn the_secret_never_shows_in_debug() {
        let c = HttpConfig { client_secret: "hunter2-secret".into(), ..HttpConfig::default() };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
