//! `application/x-www-form-urlencoded` (query strings, OAuth2 token requests) and the
//! percent-encoding twilight uses for `X-Audit-Log-Reason`: decoding that never fails
//! (a bad escape stays as it was) and the encoding the fake's redirects need.

/// `%XX` decoding; with `plus`, `+` is a space (form encoding).
pub fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `key=value` pairs of a query string or form body, decoded, in order.
pub fn pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k, true), decode(v, true)),
            None => (decode(p, true), String::new()),
        })
        .collect()
}

/// The first value of `key` in a query string or form body.
pub fn get(s: &str, key: &str) -> Option<String> {
    pairs(s).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_like_a_form() {
        assert_eq!(decode("raid%3A%20300%20joins", false), "raid: 300 joins");
        assert_eq!(decode("bad%zz%", false), "bad%zz%");
        assert_eq!(decode("a+b", true), "a b");
        assert_eq!(decode("a+b", false), "a+b");
        assert_eq!(decode("%", false), "%");
        assert_eq!(decode("%4", false), "%4");
        assert_eq!(
            pairs("grant_type=authorization_code&code=a%2Bb&x"),
            vec![
                ("grant_type".to_string(), "authorization_code".to_string()),
                ("code".to_string(), "a+b".to_string()),
                ("x".to_string(), String::new()),
            ]
        );
        assert_eq!(get("a=1&b=2&b=3", "b").as_deref(), Some("2"));
    }

    proptest! {
        #[test]
        fn encoding_round_trips(s in ".{0,40}") {
            prop_assert_eq!(decode(&encode(&s), true), s);
        }

        #[test]
        fn decoding_never_panics(s in "[%+a-zA-Z0-9=&\\u{80}-\\u{10ffff}]{0,40}") {
            let _ = pairs(&s);
            let _ = decode(&s, false);
        }
    }
}
