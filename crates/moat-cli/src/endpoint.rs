//! Where `moat run` may send the bot token: `--gateway-url` and `--rest-proxy` checked by
//! parsing the URL and comparing its host, never by a substring.
//!
//! The token travels in the gateway's identify payload and in every REST call's header, so
//! a plain (unencrypted) endpoint must be this machine: `ws://` and `http://` only to a
//! loopback host (`localhost`, 127.0.0.0/8, `::1`). `ws://0.0.0.0:18931/127.0.0.1` names
//! 0.0.0.0 and `127.0.0.1.example.com` is a domain anyone can register: both are refused.
//! The REST proxy is always spoken to in plain HTTP, so it is always a loopback host.

use url::{Host, Url};

/// Whether `host` is this machine.
fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Checks `--gateway-url`: `ws://` to a loopback host, or `wss://` anywhere.
pub fn check_gateway(text: &str) -> Result<(), String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("--gateway-url `{text}` is not a URL: {e}"))?;
    let host = url.host().ok_or_else(|| format!("--gateway-url `{text}` names no host"))?;
    match url.scheme() {
        "wss" => Ok(()),
        "ws" if is_loopback(&host) => Ok(()),
        "ws" => Err(format!(
            "--gateway-url `{text}`: plain ws:// would send the token unencrypted to {host}; \
             use a loopback host (127.0.0.1, localhost) or wss://"
        )),
        other => Err(format!("--gateway-url `{text}`: the scheme must be ws:// or wss://, not {other}://")),
    }
}

/// Checks `--rest-proxy` (`HOST:PORT` or `http://HOST:PORT`): a loopback host, plain HTTP.
pub fn check_rest_proxy(text: &str) -> Result<(), String> {
    let t = text.trim();
    let with_scheme = if t.contains("://") { t.to_string() } else { format!("http://{t}") };
    let url = Url::parse(&with_scheme).map_err(|e| format!("--rest-proxy `{text}` is not HOST:PORT: {e}"))?;
    if url.scheme() != "http" {
        return Err(format!("--rest-proxy `{text}`: the proxy is spoken to in plain http, not {}://", url.scheme()));
    }
    match url.host() {
        Some(h) if is_loopback(&h) => Ok(()),
        Some(h) => Err(format!(
            "--rest-proxy `{text}`: the token would go unencrypted to {h}; only a loopback host (127.0.0.1, localhost) may be a plain proxy"
        )),
        None => Err(format!("--rest-proxy `{text}` names no host")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_itself_is_compared() {
        assert!(check_gateway("ws://127.0.0.1:18931").is_ok());
        assert!(check_gateway("ws://localhost:18931/?v=10").is_ok());
        assert!(check_gateway("ws://[::1]:18931").is_ok());
        assert!(check_gateway("ws://127.8.9.10:1").is_ok(), "all of 127/8 is loopback");
        assert!(check_gateway("wss://gateway.discord.gg").is_ok());
        assert!(check_gateway("ws://0.0.0.0:18931/127.0.0.1").is_err());
        assert!(check_gateway("ws://127.0.0.1.example.com:18931").is_err());
        assert!(check_gateway("ws://example.com/localhost").is_err());
        assert!(check_gateway("ws://user@evil.example:1/127.0.0.1").is_err());
        assert!(check_gateway("http://127.0.0.1:1").is_err(), "a gateway is ws");
        assert!(check_gateway("127.0.0.1:1").is_err());

        assert!(check_rest_proxy("127.0.0.1:18932").is_ok());
        assert!(check_rest_proxy("http://localhost:18932").is_ok());
        assert!(check_rest_proxy("[::1]:18932").is_ok());
        assert!(check_rest_proxy("127.0.0.1.example.com:80").is_err());
        assert!(check_rest_proxy("0.0.0.0:18932").is_err());
        assert!(check_rest_proxy("10.0.0.1:80").is_err());
        assert!(check_rest_proxy("https://127.0.0.1:1").is_err());
        let e = check_gateway("ws://0.0.0.0:18931/127.0.0.1").unwrap_err();
        assert!(e.contains("0.0.0.0") && e.contains("unencrypted"), "{e}");
    }
}
