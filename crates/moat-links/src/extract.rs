//! Finding every link a reader could follow or type in a (normalised) message.
//!
//! Discord turns `http(s)://…` into a link, but scams also work with what a reader will copy
//! into a browser: `steamcommunity.com/gift` without a scheme, `<https://…>` (no embed), and
//! markdown masked links `[steamcommunity.com/gift](https://evil.ru)`, where the shown text and
//! the real target differ. Extraction is deliberately generous about what might be a link and
//! strict about bare words: `name.tld` without a scheme or a path only counts for TLDs that are
//! not also common file extensions.
//!
//! Text in inline code (`` `list.sort()` ``) and code blocks (```` ``` ````) is not clickable on
//! Discord, so nothing there counts as a link, except masked links, which are judged wherever
//! they are. IPv6 literals (`http://[2001:db8::1]/`) and scheme-relative links (`//host/path`)
//! are links too.
//!
//! Everything here is a single left-to-right pass with bounded look-around, so time is linear
//! in the message, and the number of links per message is capped ([`MAX_LINKS`]).

use crate::words::BARE_TLD_SET;

/// Links judged per message; a flood of links is already suspicious without judging each.
pub const MAX_LINKS: usize = 32;
/// Longest piece of text taken as one link.
const MAX_LINK_LEN: usize = 2048;
/// How far back the `[` of a masked link may be.
const MAX_MASK_TEXT: usize = 512;

/// A piece of text that is (probably) a link, before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The link text, e.g. `https://evil.ru/gift` or `steamcommunity.com/gift`.
    pub text: String,
    /// For a markdown masked link, the text a reader is shown.
    pub shown: Option<String>,
    /// Written with a scheme (`http://`), as opposed to a bare domain.
    pub has_scheme: bool,
}

fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b'<'
            | b'>'
            | b'"'
            | b'\''
            | b'`'
            | b'|'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'^'
            | b'\\'
            | b'*'
            | b','
            | b'!'
    )
}

/// All candidates of a normalised message, in order of appearance (masked links first).
pub fn candidates(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    // Spans already taken by masked links, so the general pass does not report them twice.
    let mut taken: Vec<(usize, usize)> = Vec::new();
    if text.contains("](") {
        masked_links(text, &mut out, &mut taken);
    }
    let code = if text.contains('`') { code_spans(b) } else { Vec::new() };
    let mut i = 0;
    let mut taken_idx = 0;
    let mut code_idx = 0;
    while i < b.len() && out.len() < MAX_LINKS {
        if is_separator(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !is_separator(b[i]) {
            i += 1;
        }
        // `http://[2001:db8::1]/x`: the brackets of an IPv6 literal belong to the link.
        if i < b.len() && b[i] == b'[' && text[start..i].ends_with("://") {
            if let Some(close) = b[i..b.len().min(i + 48)].iter().position(|&c| c == b']') {
                i += close + 1;
                while i < b.len() && !is_separator(b[i]) {
                    i += 1;
                }
            }
        }
        while taken_idx < taken.len() && taken[taken_idx].1 <= start {
            taken_idx += 1;
        }
        if taken.get(taken_idx).is_some_and(|&(s, e)| start < e && i > s) {
            continue;
        }
        while code_idx < code.len() && code[code_idx].1 <= start {
            code_idx += 1;
        }
        if code.get(code_idx).is_some_and(|&(s, _)| s <= start) {
            continue;
        }
        if let Some(c) = classify(&text[start..i]) {
            out.push(c);
        }
    }
    out
}

/// Byte spans of Discord code: fenced blocks (```` ``` ````…```` ``` ````) and inline code (a run
/// of one or two backticks closed by a run of the same length). An unclosed fence or tick is
/// plain text, as Discord shows it. Sorted, not overlapping.
pub fn code_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let run_at = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let open_end = i + n;
        let want = if n >= 3 { 3 } else { n };
        // Find the closing run of the same length (for fences: three or more).
        let mut j = open_end;
        let mut close = None;
        while j < b.len() {
            if b[j] == b'`' {
                let m = run_at(j);
                if (want == 3 && m >= 3) || m == want {
                    close = Some((j, j + m));
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some((_, end)) => {
                spans.push((i, end));
                i = end;
            }
            None => i = open_end,
        }
    }
    spans
}

fn masked_links(text: &str, out: &mut Vec<Candidate>, taken: &mut Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let mut open: Option<usize> = None;
    let mut i = 0;
    while i < b.len() && out.len() < MAX_LINKS {
        match b[i] {
            b'[' => open = Some(i),
            b'\n' => open = None,
            b']' if b.get(i + 1) == Some(&b'(') => {
                if let Some(lb) = open.take().filter(|&lb| i - lb <= MAX_MASK_TEXT) {
                    let t0 = i + 2;
                    let mut j = t0;
                    while j < b.len() && j - t0 < MAX_LINK_LEN && !matches!(b[j], b')' | b' ' | b'\n' | b'\t') {
                        j += 1;
                    }
                    while !text.is_char_boundary(j) {
                        j -= 1;
                    }
                    let target = text[t0..j].trim_matches(|c| c == '<' || c == '>');
                    if let Some(mut c) = classify(target) {
                        c.shown = Some(text[lb + 1..i].trim().to_string());
                        out.push(c);
                        taken.push((lb, j));
                    }
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Decides whether one separator-free token is a link, and trims it.
pub fn classify(token: &str) -> Option<Candidate> {
    let token = trim_punct(truncate(token, MAX_LINK_LEN));
    if token.len() < 4 {
        return None;
    }
    if let Some(rest) = token.strip_prefix("//").filter(|r| r.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric))
    {
        // `//host/path`, scheme-relative: a link wherever a bare `host/path` would be one.
        return classify_bare(rest).map(|mut c| {
            c.text = format!("//{}", c.text);
            c.has_scheme = true;
            c
        });
    }
    if let Some(pos) = token.find("://") {
        let scheme_start = token[..pos]
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_ascii_alphanumeric() && c != '+' && c != '-')
            .map_or(0, |(p, c)| p + c.len_utf8());
        let scheme = &token[scheme_start..pos];
        let rest = &token[pos + 3..];
        if scheme.is_empty() || rest.is_empty() || !is_web_scheme(scheme) {
            return None;
        }
        return Some(Candidate { text: token[scheme_start..].to_string(), shown: None, has_scheme: true });
    }
    classify_bare(token)
}

/// A token without a scheme: `host`, `host/path`, `user@host/path`.
fn classify_bare(token: &str) -> Option<Candidate> {
    let host_end = token.find(['/', '?', '#']).unwrap_or(token.len());
    let has_path = host_end < token.len();
    let mut authority = &token[..host_end];
    if let Some(at) = authority.rfind('@') {
        // `user@host` without a path is an e-mail address, not a link.
        if !has_path {
            return None;
        }
        authority = &authority[at + 1..];
    }
    let host =
        authority.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())).map_or(authority, |(h, _)| h);
    let host = host.trim_end_matches('.');
    if !plausible_host(host) {
        return None;
    }
    let tld = host.rsplit('.').next().unwrap_or("").to_lowercase();
    let tld = tld.as_str();
    let ok = if host.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www.")) {
        true
    } else if is_dotted_ip(host) {
        // `1.2.3.4` alone is more often a version number than a link.
        has_path
    } else if has_path {
        known_tld(tld)
    } else {
        BARE_TLD_SET.contains(tld)
    };
    ok.then(|| Candidate { text: token.to_string(), shown: None, has_scheme: false })
}

fn is_web_scheme(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    matches!(s.as_str(), "http" | "https" | "ftp" | "ws" | "wss") || s.ends_with("http") || s.ends_with("https")
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn trim_punct(s: &str) -> &str {
    s.trim_start_matches(['.', ':', ';', '?', '_', '~', '-', '='])
        .trim_end_matches(['.', ',', ':', ';', '?', '_', '~', '=', '-'])
}

/// Labels of letters, digits, `-` and `_`, at least two of them, none empty.
fn plausible_host(host: &str) -> bool {
    if host.len() > 253 || !host.contains('.') {
        return false;
    }
    host.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_' || is_combining(c))
    }) && host.rsplit('.').next().is_some_and(|t| t.chars().any(|c| c.is_alphabetic()) || is_dotted_ip(host))
}

/// Combining marks (`s` + U+0301 reads as `ś`): part of a label, dropped from its skeleton.
pub fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_dotted_ip(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A TLD the public suffix list knows (Unicode TLDs through punycode).
pub fn known_tld(tld: &str) -> bool {
    if tld.is_empty() || tld.len() > 63 {
        return false;
    }
    let ascii = crate::idn::host_to_ascii(tld);
    psl::suffix(ascii.as_bytes()).is_some_and(|s| s.is_known())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        candidates(s).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn plain_and_angle_bracket_urls() {
        assert_eq!(texts("go https://evil.ru/gift now"), ["https://evil.ru/gift"]);
        assert_eq!(texts("<https://evil.ru/x>"), ["https://evil.ru/x"]);
        assert_eq!(texts("(see https://a.com/b)."), ["https://a.com/b"]);
        assert_eq!(texts("**https://a.com**"), ["https://a.com"]);
    }

    #[test]
    fn bare_domains() {
        assert_eq!(texts("steamcommunity.com/gift/50"), ["steamcommunity.com/gift/50"]);
        assert_eq!(texts("get it at discord-nitro.gift"), ["discord-nitro.gift"]);
        assert_eq!(texts("www.example.zip"), ["www.example.zip"]);
        assert!(texts("see main.rs and notes.md, e.g. this. ok.").is_empty());
        assert!(texts("mail me at bob@gmail.com").is_empty());
        assert_eq!(texts("steamcommunity.com@evil.ru/gift"), ["steamcommunity.com@evil.ru/gift"]);
        assert_eq!(texts("http://3232235777/x"), ["http://3232235777/x"]);
        assert_eq!(texts("1.2.3.4/login"), ["1.2.3.4/login"]);
    }

    #[test]
    fn masked_links_keep_the_shown_text() {
        let c = candidates("steam gift [steamcommunity.com/gift](https://evil.ru/x) ok");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "https://evil.ru/x");
        assert_eq!(c[0].shown.as_deref(), Some("steamcommunity.com/gift"));
        let c = candidates("[click](<https://a.com/>)");
        assert_eq!(c[0].text, "https://a.com/");
    }

    #[test]
    fn non_web_schemes_are_ignored() {
        assert!(texts("javascript://x mailto:a@b.com").is_empty());
    }
}
