//! Internationalised domain names in both directions, through the `idna` crate.
//!
//! A homoglyph domain reaches us either as Unicode (`dіscord.com`, pasted into chat) or as its
//! ASCII form (`xn--dscord-3ve.com`, what the DNS sees). We need both: the ASCII form is the
//! real domain to report and look up in lists, the Unicode form is what a reader sees and what
//! the confusable skeleton is computed on.
//!
//! To ASCII we apply the UTS 46 mapping a browser applies (`domain_to_ascii`), so a link is
//! reported as the host a click would really reach. A host that UTS 46 rejects (a browser would
//! not open it either) is still judged: each non-ASCII label is then encoded on its own with
//! plain Punycode (RFC 3492). To Unicode we decode each `xn--` label with Punycode and keep any
//! label that does not decode as it is. Nothing here panics on bad input.

use idna::punycode;

/// A host in ASCII form: the browser's mapping where it applies, else every non-ASCII label
/// as `xn--…`. Labels that cannot be encoded are kept as they are.
pub fn host_to_ascii(host: &str) -> String {
    if host.is_ascii() {
        return host.to_string();
    }
    if let Ok(ascii) = idna::domain_to_ascii_cow(host.as_bytes(), idna::AsciiDenyList::EMPTY) {
        if !ascii.is_empty() {
            return ascii.into_owned();
        }
    }
    host.split('.')
        .map(|label| {
            if label.is_ascii() {
                label.to_string()
            } else {
                punycode::encode_str(label).map(|e| format!("xn--{e}")).unwrap_or_else(|| label.to_string())
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Like [`host_to_ascii`], for `host/path` list entries: only the host part is converted.
pub fn host_to_ascii_path(entry: &str) -> String {
    match entry.split_once('/') {
        Some((host, path)) => format!("{}/{path}", host_to_ascii(host)),
        None => host_to_ascii(entry),
    }
}

/// A host in Unicode form: every `xn--` label decoded. Labels that do not decode are kept.
pub fn host_to_unicode(host: &str) -> String {
    if !host.contains("xn--") {
        return host.to_string();
    }
    host.split('.')
        .map(|label| match label.strip_prefix("xn--").and_then(punycode::decode_to_string) {
            Some(decoded) if !decoded.is_empty() => decoded,
            _ => label.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_examples_round_trip() {
        assert_eq!(host_to_ascii("bücher.de"), "xn--bcher-kva.de");
        assert_eq!(host_to_unicode("xn--bcher-kva.de"), "bücher.de");
        assert_eq!(host_to_ascii("münchen.de"), "xn--mnchen-3ya.de");
        for s in ["dіscord.com", "ѕteam.ru", "пример.рф", "日本語.jp"] {
            assert_eq!(host_to_unicode(&host_to_ascii(s)), s, "{s}");
        }
    }

    #[test]
    fn hosts_convert_both_ways() {
        let ascii = host_to_ascii("dіscord.com");
        assert_eq!(ascii, "xn--dscord-pvf.com");
        assert_eq!(host_to_unicode(&ascii), "dіscord.com");
        assert_eq!(host_to_unicode("xn--zz-broken!.com"), "xn--zz-broken!.com");
        // A combining mark is composed the way a browser composes it.
        assert_eq!(host_to_unicode(&host_to_ascii("dis\u{0301}cord.com")), "diścord.com");
        assert_eq!(host_to_ascii_path("dіscord.com/gift"), "xn--dscord-pvf.com/gift");
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "",
            "-",
            "xn--",
            "xn--zzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "xn--99999999999999999",
            "a-.xn---9",
            "\u{FFFD}.\u{0301}",
        ] {
            let _ = host_to_unicode(s);
            let _ = host_to_ascii(s);
        }
    }
}
