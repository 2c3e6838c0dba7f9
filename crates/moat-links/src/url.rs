//! Parsing a link candidate into the parts that decide where it really goes.
//!
//! The part that matters is the *owner*: the registrable domain under the public suffix list
//! (`evil.ru` for `steamcommunity.com.evil.ru`), or, under a free-hosting suffix, the
//! subdomain the scammer registered (`steam-gift.vercel.app`). Everything a link does to
//! mislead is undone on the way: `user@` prefixes that show a real domain before the real host,
//! percent-encoded hosts, IP literals in decimal or hex (`http://3232235777/`) and IPv6
//! (`http://[2001:db8::1]/`), Unicode hosts
//! (converted to punycode for lists, kept in Unicode for the skeleton) and `xn--` hosts
//! (decoded for the skeleton).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::extract::Candidate;
use crate::idn::{host_to_ascii, host_to_unicode};
use crate::normalize::percent_decode;
use crate::words::HOSTING_SUFFIXES;

/// A parsed link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Link {
    /// Normalised URL, as reported (`https://host/path`).
    pub url: String,
    /// Host in ASCII (punycode) form, lower case, no trailing dot.
    pub host: String,
    /// Host as a reader sees it (punycode decoded).
    pub host_unicode: String,
    /// Registrable domain (ASCII), or the owning subdomain under a hosting suffix.
    pub owner: String,
    /// The owner without its suffix, in Unicode (`steam-gift` for `steam-gift.vercel.app`).
    pub label: String,
    /// The public suffix (or hosting suffix) of the owner.
    pub suffix: String,
    /// Labels left of the owner, Unicode, without a leading `www.`.
    pub subdomain: String,
    /// The owner sits under a free-hosting suffix.
    pub hosting: bool,
    /// What came before `@` in the authority, if anything.
    pub userinfo: Option<String>,
    /// An IP literal host (`1.2.3.4`, `3232235777`, `[2001:db8::1]`).
    pub ip: Option<IpAddr>,
    /// The IP literal was not written as a plain dotted quad (`3232235777`, `0xc0a80101`).
    pub ip_disguised: bool,
    pub port: Option<u16>,
    /// Path, query and fragment, percent-decoded, in the case it was posted.
    pub path: String,
    /// The text shown for a masked link.
    pub shown: Option<String>,
    pub has_scheme: bool,
    /// The host was percent-encoded in the message.
    pub encoded_host: bool,
    /// The TLD is one the public suffix list knows.
    pub known_suffix: bool,
}

/// Parses a candidate; `None` if no usable host comes out of it.
pub fn parse(c: &Candidate) -> Option<Link> {
    let text = c.text.as_str();
    let (scheme, rest) = match text.find("://") {
        Some(p) => (&text[..p], &text[p + 3..]),
        None => ("", text.strip_prefix("//").unwrap_or(text)),
    };
    let scheme = scheme.to_ascii_lowercase();
    let auth_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let raw_authority = &rest[..auth_end];
    let raw_path = &rest[auth_end..];
    let path = percent_decode(raw_path);
    let decoded = percent_decode(raw_authority);
    let encoded_host = decoded != raw_authority;
    let authority = decoded.to_lowercase();
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (Some(authority[..at].to_string()), &authority[at + 1..]),
        None => (None, authority.as_str()),
    };
    if let Some(v6) = hostport.strip_prefix('[') {
        return parse_v6(c, v6, &scheme, raw_path, path, userinfo);
    }
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, p.parse::<u16>().ok()),
        Some((h, "")) => (h, None),
        _ => (hostport, None),
    };
    let host = host.trim_end_matches('.').trim_start_matches('.');
    if host.is_empty() || host.len() > 253 || host.contains(|c: char| c.is_whitespace() || c == '@') {
        return None;
    }
    let mut link = Link {
        userinfo: userinfo.filter(|u| !u.is_empty()),
        port,
        path,
        shown: c.shown.clone(),
        has_scheme: c.has_scheme,
        encoded_host,
        ..Link::default()
    };
    if let Some(ip) = parse_ipv4(host) {
        link.ip = Some(IpAddr::V4(ip));
        link.host = ip.to_string();
        link.ip_disguised = link.host != host;
        link.host_unicode = link.host.clone();
        link.owner = link.host.clone();
        link.label = link.host.clone();
    } else {
        let ascii = host_to_ascii(host);
        link.host_unicode = host_to_unicode(&ascii);
        set_owner(&mut link, ascii);
    }
    link.url = url_of(&scheme, &link.host, link.port, raw_path);
    Some(link)
}

/// The reported URL: scheme and host normalised, path and query as posted.
fn url_of(scheme: &str, host: &str, port: Option<u16>, raw_path: &str) -> String {
    let scheme = if scheme.is_empty() || scheme.ends_with("https") {
        "https"
    } else if scheme.ends_with("http") {
        "http"
    } else {
        scheme
    };
    let shown_path = if raw_path.is_empty() { "/" } else { raw_path };
    match port {
        Some(p) => format!("{scheme}://{host}:{p}{shown_path}"),
        None => format!("{scheme}://{host}{shown_path}"),
    }
}

/// `[2001:db8::1]:8080` (the text after `[`): an IPv6 literal host.
fn parse_v6(
    c: &Candidate,
    v6: &str,
    scheme: &str,
    raw_path: &str,
    path: String,
    userinfo: Option<String>,
) -> Option<Link> {
    let (addr, after) = v6.split_once(']')?;
    let ip: Ipv6Addr = addr.split('%').next().unwrap_or(addr).parse().ok()?;
    let port = after.strip_prefix(':').and_then(|p| p.parse::<u16>().ok());
    // `[::ffff:192.168.1.1]` is an IPv4 address in disguise.
    let ip = ip.to_ipv4_mapped().map_or(IpAddr::V6(ip), IpAddr::V4);
    let host = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    };
    Some(Link {
        url: url_of(scheme, &host, port, raw_path),
        host_unicode: host.clone(),
        owner: host.clone(),
        label: host.clone(),
        ip_disguised: matches!(ip, IpAddr::V4(_)),
        host,
        ip: Some(ip),
        port,
        path,
        userinfo: userinfo.filter(|u| !u.is_empty()),
        shown: c.shown.clone(),
        has_scheme: c.has_scheme,
        ..Link::default()
    })
}

fn set_owner(link: &mut Link, ascii: String) {
    // Every hosting suffix has two or more labels, so a `name.tld` host cannot sit under one.
    let labels = ascii.bytes().filter(|&b| b == b'.').count() + 1;
    let hosting = HOSTING_SUFFIXES.iter().filter(|_| labels >= 3).find(|s| {
        ascii.len() > s.len() + 1 && ascii.ends_with(*s) && ascii.as_bytes()[ascii.len() - s.len() - 1] == b'.'
    });
    let (owner, suffix, is_private) = if let Some(s) = hosting {
        let head = &ascii[..ascii.len() - s.len() - 1];
        let label = head.rsplit('.').next().unwrap_or(head);
        (format!("{label}.{s}"), s.to_string(), true)
    } else {
        match psl::domain(ascii.as_bytes()) {
            Some(d) => {
                let suffix = d.suffix();
                link.known_suffix = suffix.is_known();
                let suffix_str = String::from_utf8_lossy(suffix.as_bytes()).into_owned();
                let private = suffix.typ() == Some(psl::Type::Private);
                (String::from_utf8_lossy(d.as_bytes()).into_owned(), suffix_str, private)
            }
            None => {
                // The host is itself a public suffix (`vercel.app`, `co.uk`) or unparseable.
                let known = psl::suffix(ascii.as_bytes()).is_some_and(|s| s.is_known());
                link.known_suffix = known;
                (ascii.clone(), String::new(), false)
            }
        }
    };
    if hosting.is_some() {
        link.known_suffix = true;
    }
    // Paid pseudo-TLDs in the private section (`com.de`, `ru.com`) are registrations, not hosting.
    link.hosting = is_private && !suffix.is_empty() && !crate::words::RISKY_TLD_SET.contains(&suffix);
    let label_ascii = owner.strip_suffix(&suffix).map(|l| l.trim_end_matches('.')).unwrap_or(&owner);
    link.label = host_to_unicode(label_ascii);
    let sub_ascii = ascii.strip_suffix(&owner).map(|s| s.trim_end_matches('.')).unwrap_or("");
    let sub_ascii = sub_ascii.strip_prefix("www").map(|s| s.trim_start_matches('.')).unwrap_or(sub_ascii);
    link.subdomain = host_to_unicode(sub_ascii);
    link.suffix = suffix;
    link.owner = owner;
    link.host = ascii;
}

/// IPv4 in any form a browser accepts: dotted quad, a single 32-bit number (decimal, `0x` hex
/// or leading-zero octal), or dotted parts in those bases.
pub fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let nums: Vec<u64> = parts.iter().map(|p| parse_num(p)).collect::<Option<_>>()?;
    let (last, head) = nums.split_last()?;
    if head.iter().any(|&n| n > 255) {
        return None;
    }
    let width = 8 * (4 - head.len() as u32);
    if *last >= 1u64 << width {
        return None;
    }
    let mut v: u64 = 0;
    for (i, &n) in head.iter().enumerate() {
        v |= n << (24 - 8 * i as u32);
    }
    v |= last;
    Some(Ipv4Addr::from(v as u32))
}

fn parse_num(p: &str) -> Option<u64> {
    if p.is_empty() || p.len() > 12 {
        return None;
    }
    if let Some(hex) = p.strip_prefix("0x") {
        return if hex.is_empty() { Some(0) } else { u64::from_str_radix(hex, 16).ok() };
    }
    if p.len() > 1 && p.starts_with('0') {
        return u64::from_str_radix(&p[1..], 8).ok();
    }
    if p.bytes().all(|b| b.is_ascii_digit()) {
        return p.parse().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Link {
        let c = crate::extract::classify(s).expect("candidate");
        parse(&c).expect("link")
    }

    #[test]
    fn owner_is_the_registrable_domain() {
        let l = link("https://steamcommunity.com.evil.ru/gift");
        assert_eq!(l.owner, "evil.ru");
        assert_eq!(l.label, "evil");
        assert_eq!(l.subdomain, "steamcommunity.com");
        assert_eq!(l.path, "/gift");
        assert_eq!(link("http://a.b.example.co.uk").owner, "example.co.uk");
    }

    #[test]
    fn hosting_suffixes_belong_to_the_subdomain() {
        let l = link("https://steam-gift.vercel.app/x");
        assert_eq!(l.owner, "steam-gift.vercel.app");
        assert_eq!(l.label, "steam-gift");
        assert!(l.hosting);
        let l = link("https://a.b.pages.dev");
        assert_eq!(l.owner, "b.pages.dev");
        assert!(l.hosting);
        assert!(!link("https://vercel.app").hosting);
    }

    #[test]
    fn userinfo_and_percent_encoding() {
        let l = link("https://steamcommunity.com@evil.ru/gift");
        assert_eq!(l.owner, "evil.ru");
        assert_eq!(l.userinfo.as_deref(), Some("steamcommunity.com"));
        let l = link("https://evil%2eru/%67ift");
        assert_eq!(l.owner, "evil.ru");
        assert!(l.encoded_host);
        assert_eq!(l.path, "/gift");
    }

    #[test]
    fn ip_literals_in_every_base() {
        let want = Some(Ipv4Addr::new(192, 168, 1, 1));
        assert_eq!(parse_ipv4("192.168.1.1"), want);
        assert_eq!(parse_ipv4("3232235777"), want);
        assert_eq!(parse_ipv4("0xc0a80101"), want);
        assert_eq!(parse_ipv4("0300.0250.1.1"), want);
        assert_eq!(parse_ipv4("192.168.257"), want);
        assert_eq!(parse_ipv4("example.com"), None);
        assert_eq!(parse_ipv4("99999999999"), None);
        assert_eq!(link("http://3232235777/x").ip, want.map(IpAddr::V4));
    }

    #[test]
    fn idn_both_ways() {
        let l = link("https://dіscord.com/gift");
        assert!(l.host.starts_with("xn--"));
        assert_eq!(l.label, "dіscord");
        let l2 = link(&format!("https://{}/gift", l.host));
        assert_eq!(l2.label, "dіscord");
        assert_eq!(l2.owner, l.owner);
    }
}
