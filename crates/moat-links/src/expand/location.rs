//! Where a redirect goes: a `Location` header resolved against the URL that sent it, and the
//! checks every hop must pass before the expander asks for it (web schemes only, a host, no user
//! info, standard ports). Pure functions, so they are property-tested without a network.

/// An absolute `http`/`https` URL split into what the expander needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub scheme: &'static str,
    /// Lower case; IPv6 literals keep their brackets.
    pub host: String,
    pub port: Option<u16>,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Target {
    /// Parses an absolute URL; `None` for anything that is not plainly `http(s)://host[:port]/…`.
    pub fn parse(url: &str) -> Option<Target> {
        let url = url.trim();
        if url.len() > 2048 || url.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let (scheme, rest) = url.split_once("://")?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => "http",
            "https" => "https",
            _ => return None,
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.is_empty() || authority.contains(['@', '\\']) {
            return None;
        }
        let (host, port) = split_port(authority)?;
        if host.is_empty() || host.len() > 253 {
            return None;
        }
        let tail = tail.split('#').next().unwrap_or("");
        let path = if tail.starts_with('/') { tail.to_string() } else { format!("/{tail}") };
        Some(Target { scheme, host: host.to_ascii_lowercase(), port, path })
    }

    /// The URL again, normalised.
    pub fn url(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}{}", self.scheme, self.host, self.path),
            None => format!("{}://{}{}", self.scheme, self.host, self.path),
        }
    }

    /// The port a connection would use.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(if self.scheme == "https" { 443 } else { 80 })
    }
}

fn split_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if let Some(v6) = authority.strip_prefix('[') {
        let close = v6.find(']')?;
        let host = &authority[..close + 2];
        return match &v6[close + 1..] {
            "" => Some((host, None)),
            p => Some((host, Some(p.strip_prefix(':')?.parse().ok()?))),
        };
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Some((h, Some(p.parse().ok()?))),
        None => Some((authority, None)),
    }
}

/// Resolves a `Location` header against the URL that sent it: absolute URLs, scheme-relative
/// `//host/path`, absolute paths and relative paths. `None` if the result is not a plain
/// `http(s)` URL.
pub fn resolve(base: &Target, location: &str) -> Option<Target> {
    let location = location.trim();
    if location.is_empty() || location.len() > 2048 {
        return None;
    }
    // `scheme:…` is absolute whatever follows (`javascript:`, `data:`): only http(s) pass.
    let scheme_len = location.find(':').filter(|&i| {
        i > 0
            && location[..i].bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
            && location.as_bytes()[0].is_ascii_alphabetic()
    });
    if scheme_len.is_some() {
        return Target::parse(location);
    }
    if let Some(rest) = location.strip_prefix("//") {
        return Target::parse(&format!("{}://{rest}", base.scheme));
    }
    let origin = Target { path: String::new(), ..base.clone() }.url();
    if location.starts_with('/') {
        return Target::parse(&format!("{origin}{location}"));
    }
    let dir = base.path.split('?').next().unwrap_or("/");
    let dir = &dir[..dir.rfind('/').map_or(0, |i| i + 1)];
    Target::parse(&format!("{origin}{dir}{location}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(u: &str) -> Target {
        Target::parse(u).expect(u)
    }

    #[test]
    fn absolute_and_relative_locations() {
        let base = t("https://bit.ly/abc/def?x=1");
        assert_eq!(resolve(&base, "https://evil.ru/gift").unwrap().url(), "https://evil.ru/gift");
        assert_eq!(resolve(&base, "//evil.ru/x").unwrap().url(), "https://evil.ru/x");
        assert_eq!(resolve(&base, "/root").unwrap().url(), "https://bit.ly/root");
        assert_eq!(resolve(&base, "next?q=1").unwrap().url(), "https://bit.ly/abc/next?q=1");
        assert_eq!(resolve(&base, "HTTP://EVIL.RU").unwrap().url(), "http://evil.ru/");
        assert_eq!(t("http://[::1]:8080/x").host, "[::1]");
        assert_eq!(t("http://[::1]:8080/x").effective_port(), 8080);
    }

    #[test]
    fn what_is_refused() {
        for bad in [
            "javascript:alert(1)",
            "ftp://a.com/",
            "https://user@evil.ru/",
            "https:///nohost",
            "https://a.com:99999/",
            "https://a.com:x/",
            "https://a b.com/",
            "file:///etc/passwd",
        ] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
        assert_eq!(resolve(&t("https://a.com/"), "data:text/html,hi"), None);
    }
}
