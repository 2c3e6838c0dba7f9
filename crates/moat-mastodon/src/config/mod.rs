//! The `[mastodon]` section of moat's config file, typed here because this crate uses it.
//! The file is read once, by its owner; this crate gets the section's value
//! ([`MastodonConfig::from_toml_value`], or serde) and reads no files. Secrets are not in the
//! file: it names the environment variables that hold them, read by [`ServerConfig::resolve`].
//!
//! ```toml
//! [[mastodon.servers]]
//! url = "https://small.example"            # https unless the host is loopback
//! token_env = "MOAT_MASTODON_TOKEN"         # the variable holding the access token
//! webhook_listen = "127.0.0.1:8091"         # where Mastodon's webhooks arrive (default)
//! webhook_secret_env = "MOAT_WEBHOOK_SECRET" # the webhook's secret; no listener without it
//! admin_accounts = ["alice", "bob@other.example"]  # told of each wave by direct message
//! streaming = true                          # watch the public stream for remote posts (default)
//! ```

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};

use serde::Deserialize;

use crate::secret::Secret;

/// The default webhook listen address (loopback: put a TLS proxy in front of it).
pub const DEFAULT_WEBHOOK_LISTEN: &str = "127.0.0.1:8091";
/// Mastodon refuses webhook secrets shorter than this.
pub const MIN_SECRET_LEN: usize = 12;

/// The `[mastodon]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MastodonConfig {
    /// The servers moat guards (one token each).
    #[serde(default)]
    pub servers: Vec<ServerConfig>,
}

/// One `[[mastodon.servers]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The server's base URL (`https://small.example`).
    pub url: String,
    /// The environment variable holding the access token.
    pub token_env: String,
    /// Where the webhook listener binds.
    #[serde(default = "default_listen")]
    pub webhook_listen: SocketAddr,
    /// The environment variable holding the webhook's secret (no listener when absent).
    #[serde(default)]
    pub webhook_secret_env: Option<String>,
    /// Accounts told of waves by direct message (`alice` on this server, `bob@other.example`).
    #[serde(default)]
    pub admin_accounts: Vec<String>,
    /// Watch the public stream (posts from other servers arrive only there).
    #[serde(default = "yes")]
    pub streaming: bool,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8091))
}

fn yes() -> bool {
    true
}

/// A setting that cannot be used: the key's path and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{path}`: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError { path: path.into(), message: message.into() }
}

/// A server's URL, checked: scheme, host, and whether TLS is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://small.example` (no trailing slash).
    pub url: String,
    pub https: bool,
    pub host: String,
}

/// Whether a host name is this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks a server URL: `https://host[:port]` (or `http://` to a loopback host), no path.
pub fn parse_base_url(text: &str) -> Result<BaseUrl, String> {
    let url = text.trim().trim_end_matches('/');
    let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err("must start with https://".into());
    };
    if rest.contains(['/', '?', '#', '@']) {
        return Err("must be the server's address only (https://host), without a path".into());
    }
    let host = match rest.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or("")),
        None => rest.split(':').next().unwrap_or("").to_string(),
    };
    if host.is_empty() || host == "[]" {
        return Err("has no host".into());
    }
    if !https && !is_loopback_host(&host) {
        return Err("must use https:// (plain http is allowed only to a loopback host)".into());
    }
    Ok(BaseUrl { url: url.to_string(), https, host })
}

/// Normalises an admin account (`@alice` → `alice`, `@bob@x.example` → `bob@x.example`).
pub fn parse_acct(text: &str) -> Result<String, String> {
    let acct = text.trim().trim_start_matches('@');
    let (user, domain) = match acct.split_once('@') {
        Some((u, d)) => (u, Some(d)),
        None => (acct, None),
    };
    let user_ok = !user.is_empty() && user.chars().all(|c| c.is_alphanumeric() || c == '_');
    let domain_ok = domain.is_none_or(|d| !d.is_empty() && d.contains('.') && !d.contains(['@', '/', ' ']));
    if !user_ok || !domain_ok {
        return Err(format!("`{text}` is not an account (`name` or `name@server.example`)"));
    }
    Ok(acct.to_string())
}

/// A serde error from a TOML value, with the key it names (toml says "in `key`") on the path.
fn toml_err(prefix: &str, e: &toml::de::Error) -> ConfigError {
    let text = e.to_string();
    let key = text.lines().find_map(|l| l.strip_prefix("in `").and_then(|r| r.strip_suffix('`')));
    let path = key.map_or_else(|| prefix.to_string(), |k| format!("{prefix}.{k}"));
    err(path, e.message().trim())
}

fn env_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

impl MastodonConfig {
    /// The section from its TOML value (the `[mastodon]` table), checked. Errors name the key
    /// (`mastodon.servers[1].streaming`).
    pub fn from_toml_value(value: &toml::Value) -> Result<MastodonConfig, ConfigError> {
        let toml::Value::Table(table) = value else { return Err(err("mastodon", "must be a table")) };
        if let Some(k) = table.keys().find(|k| k.as_str() != "servers") {
            return Err(err(format!("mastodon.{k}"), "unknown key (the section holds `[[mastodon.servers]]` entries)"));
        }
        let servers = match table.get("servers") {
            None => &[][..],
            Some(toml::Value::Array(a)) => a.as_slice(),
            Some(_) => return Err(err("mastodon.servers", "must be a list of `[[mastodon.servers]]` tables")),
        };
        let servers = servers
            .iter()
            .enumerate()
            .map(|(i, v)| {
                ServerConfig::deserialize(v.clone()).map_err(|e| toml_err(&format!("mastodon.servers[{i}]"), &e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cfg = MastodonConfig { servers };
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks every server (paths like `mastodon.servers[0].url`) and that no two share a
    /// URL or a listen address.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut urls = HashSet::new();
        let mut listens = HashSet::new();
        for (i, s) in self.servers.iter().enumerate() {
            let path = format!("mastodon.servers[{i}]");
            s.validate(&path)?;
            let url = parse_base_url(&s.url).map(|u| u.url.to_ascii_lowercase()).unwrap_or_default();
            if !urls.insert(url) {
                return Err(err(format!("{path}.url"), "this server is listed twice"));
            }
            if s.webhook_secret_env.is_some() && !listens.insert(s.webhook_listen) {
                return Err(err(format!("{path}.webhook_listen"), "another server listens there: give each its own"));
            }
        }
        Ok(())
    }
}

impl ServerConfig {
    /// Checks this entry; `path` prefixes the keys in errors.
    pub fn validate(&self, path: &str) -> Result<(), ConfigError> {
        parse_base_url(&self.url).map_err(|m| err(format!("{path}.url"), m))?;
        if !env_name_ok(&self.token_env) {
            return Err(err(format!("{path}.token_env"), "must name an environment variable (LIKE_THIS)"));
        }
        if let Some(name) = &self.webhook_secret_env {
            if !env_name_ok(name) {
                return Err(err(format!("{path}.webhook_secret_env"), "must name an environment variable (LIKE_THIS)"));
            }
        }
        for (j, a) in self.admin_accounts.iter().enumerate() {
            parse_acct(a).map_err(|m| err(format!("{path}.admin_accounts[{j}]"), m))?;
        }
        Ok(())
    }

    /// Reads the secrets from the environment (`env` is `std::env::var(..).ok()` live, a map
    /// in tests) and gives the settings a [`crate::Server`] runs with.
    pub fn resolve(
        &self,
        path: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<crate::ServerSettings, ConfigError> {
        self.validate(path)?;
        let base = parse_base_url(&self.url).map_err(|m| err(format!("{path}.url"), m))?;
        let token = env(&self.token_env).map(Secret::new).filter(|t| !t.is_empty()).ok_or_else(|| {
            err(format!("{path}.token_env"), format!("the environment variable {} is not set", self.token_env))
        })?;
        let webhook = match &self.webhook_secret_env {
            None => None,
            Some(name) => {
                let secret = env(name).map(Secret::new).filter(|s| !s.is_empty()).ok_or_else(|| {
                    err(format!("{path}.webhook_secret_env"), format!("the environment variable {name} is not set"))
                })?;
                if secret.len() < MIN_SECRET_LEN {
                    return Err(err(
                        format!("{path}.webhook_secret_env"),
                        format!(
                            "the secret in {name} is shorter than {MIN_SECRET_LEN} characters (Mastodon's minimum)"
                        ),
                    ));
                }
                Some(crate::webhook::ListenerSettings::new(self.webhook_listen, secret))
            }
        };
        let admin_accounts = self.admin_accounts.iter().filter_map(|a| parse_acct(a).ok()).collect();
        let mut settings = crate::ServerSettings::new(&base.url, token);
        settings.webhook = webhook;
        settings.admin_accounts = admin_accounts;
        settings.streaming = self.streaming;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests;
