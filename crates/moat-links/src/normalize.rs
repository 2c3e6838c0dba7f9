//! Undoing the disguises a message puts on its links, before anything looks for them.
//!
//! Scam posts hide links from naive filters with invisible characters (`disc\u{200B}ord.gift`),
//! bidi controls, fullwidth letters (`ｄｉｓｃｏｒｄ．ｇｉｆｔ`), defanged forms (`hxxps://`,
//! `example[.]com`, `example(.)com`, `example dot com`) and percent-encoding. A reader (or a
//! browser) sees through all of these, so we undo them first and then extract links from the
//! plain text. Homoglyphs (Cyrillic `е`) are *not* folded here: they change which domain a link
//! really goes to, so they stay in the host and are judged later on its skeleton. Letter case is
//! kept too: hosts are lower-cased when a link is parsed, but a path (`watch?v=dQw4w9WgXcQ`)
//! is reported as it was posted.
//!
//! [`may_contain_link`] is the fast path: most chat messages have no `.`, no `://` and no
//! "dot", and for those the whole judge costs one pass over the bytes.

/// Cheap test run on every message. `false` means the message certainly holds no link we
/// would extract, so the judge can answer `clean` without allocating.
pub fn may_contain_link(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'.' | b':' => return true,
            b'd' | b'D' if matches!(bytes.get(i + 1..i + 3), Some(b"ot" | b"OT" | b"Ot" | b"oT")) => return true,
            // Any non-ASCII byte may be a fullwidth dot or a homoglyph: take the slow path.
            b if b >= 0x80 => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Characters a reader cannot see: zero-width spaces and joiners, word joiner, BOM, soft
/// hyphen, bidi embeddings, overrides and isolates, Mongolian vowel separator.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}')
}

/// What normalisation found, beyond the text itself: each flag becomes a human reason.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Disguises {
    pub invisible: bool,
    pub fullwidth: bool,
    pub defanged: bool,
}

/// Drops invisible characters, folds fullwidth forms and alternative dots to ASCII, and turns
/// defanged links back into links. Letter case is kept. Linear in the input.
pub fn normalize(text: &str) -> (String, Disguises) {
    let mut d = Disguises::default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) {
            d.invisible = true;
            continue;
        }
        let w = crate::confusable::fold_width(c);
        if w != c {
            d.fullwidth = true;
        }
        if w == '\\' {
            // Browsers read `https:\\evil.ru\\x` as `https://evil.ru/x`.
            out.push('/');
        } else {
            out.push(w);
        }
    }
    if needs_refang(&out) {
        let refanged = refang(&out);
        if refanged != out {
            d.defanged = true;
            out = refanged;
        }
    }
    (out, d)
}

fn needs_refang(s: &str) -> bool {
    let has = |w: &[u8]| s.as_bytes().windows(w.len()).any(|x| x.eq_ignore_ascii_case(w));
    s.contains(" .")
        || has(b"hxxp")
        || has(b"dot")
        || s.contains("[.]")
        || s.contains("(.)")
        || s.contains("{.}")
        || s.contains("[:]")
}

/// `hxxp`→`http`, `[.]` `(.)` `{.}` `[dot]` `(dot)` `{dot}` → `.`, and ` dot ` between two
/// name-like words → `.`, with the spaces around bracketed dots dropped too. Matching ignores
/// ASCII case (`HXXPS`, ` DOT `); the text keeps its own.
fn refang(s: &str) -> String {
    const DOTS: [&str; 6] = ["[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}"];
    let bytes = s.as_bytes();
    // Same byte offsets as `s`: ASCII lower-casing never changes a length.
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &lower[i..];
        if rest.starts_with("hxxp") {
            out.push_str("http");
            i += 4;
            continue;
        }
        if rest.starts_with("[:]") {
            out.push(':');
            i += 3;
            continue;
        }
        if let Some(tok) = DOTS.iter().find(|t| rest.starts_with(**t)) {
            while out.ends_with(' ') {
                out.pop();
            }
            out.push('.');
            i += tok.len();
            while bytes.get(i) == Some(&b' ') {
                i += 1;
            }
            continue;
        }
        // `steamcommunity .com/gift`: a space slipped in before the dot of a common TLD.
        if rest.starts_with(" .") && word_before(&out) && spaced_tld(&lower[i + 2..]) {
            out.push('.');
            i += 2;
            continue;
        }
        if rest.starts_with(" dot ") && word_before(&out) && word_after(&s[i + 5..]) {
            out.push('.');
            i += 5;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A TLD that scams use, followed by a path or another label (`.com/`, `.com.`): alone,
/// ` .net` is more often the framework than a link.
fn spaced_tld(rest: &str) -> bool {
    let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let after = rest[word.len()..].chars().next();
    ["com", "ru", "gift", "gifts", "xyz", "net", "org", "gg", "site", "online", "shop", "store", "io", "co"]
        .contains(&word.as_str())
        && matches!(after, Some('/' | '.'))
}

fn word_before(out: &str) -> bool {
    out.chars().next_back().is_some_and(|c| c.is_alphanumeric())
}

/// ` dot ` only counts when a plausible TLD-ish word follows: letters, at least two.
fn word_after(rest: &str) -> bool {
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
    word.len() >= 2 && word.chars().all(|c| c.is_ascii_alphabetic())
}

/// Decodes `%XX` escapes (invalid ones are kept as they are; the result is lossy UTF-8).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |x: u8| (x as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_skips_ordinary_chat() {
        assert!(!may_contain_link("hey how are you, want to play later?"));
        assert!(may_contain_link("see discord.gift/abc"));
        assert!(may_contain_link("discord DOT gift"));
        assert!(may_contain_link("ｄｉｓｃｏｒｄ"));
        assert!(may_contain_link("hxxps://x"));
        assert_eq!(normalize("https:\\\\evil.ru\\x").0, "https://evil.ru/x");
    }

    #[test]
    fn invisible_and_fullwidth_are_removed() {
        let (t, d) = normalize("disc\u{200B}ord\u{202E}.gift");
        assert_eq!(t, "discord.gift");
        assert!(d.invisible);
        let (t, d) = normalize("ｄｉｓｃｏｒｄ．ｇｉｆｔ");
        assert_eq!(t, "discord.gift");
        assert!(d.fullwidth);
    }

    #[test]
    fn defanged_links_are_refanged() {
        assert_eq!(normalize("hxxps://evil[.]ru/x").0, "https://evil.ru/x");
        assert_eq!(normalize("evil(.)ru").0, "evil.ru");
        assert_eq!(normalize("evil [dot] ru").0, "evil.ru");
        assert_eq!(normalize("steam-gift dot ru/claim").0, "steam-gift.ru/claim");
        assert_eq!(normalize("I like the dot com era").0, "I like the.com era");
        assert_eq!(normalize("HXXPS://Evil[.]RU/GiFt DOT").0, "httpS://Evil.RU/GiFt DOT");
        assert_eq!(normalize("connect the dot 3").0, "connect the dot 3");
        assert_eq!(normalize("steamcommunity .com/gift").0, "steamcommunity.com/gift");
        assert_eq!(normalize("see .net docs and the .common case").0, "see .net docs and the .common case");
        assert!(normalize("hxxp://a.b").1.defanged);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("steamcommunity%2ecom"), "steamcommunity.com");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%"), "%");
    }
}
