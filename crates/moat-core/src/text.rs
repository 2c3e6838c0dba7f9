//! What the detectors need to know about a message's text, measured in one pass.
//!
//! [`TextStats`] counts characters, lines and the characters that make a message a weapon
//! rather than speech: stacked combining marks (zalgo), invisible and control characters,
//! and "walls" made of a handful of glyphs repeated hundreds of times. [`fingerprint`]
//! reduces a message to a hash that survives the small changes spammers make to dodge
//! duplicate checks (case, spacing, punctuation, digits, mentions, invisible characters).

use crate::hash::Fnv1a;

/// One pass over a message's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextStats {
    pub chars: u32,
    pub newlines: u32,
    /// Combining marks stacked beyond the second on one base character, plus invisible,
    /// bidi-control and control characters.
    pub unusual: u32,
    /// Non-space characters of a long message made of at most [`WALL_MAX_GLYPHS`] distinct
    /// glyphs (0 when the message is not such a wall).
    pub wall: u32,
    /// `@everyone` or `@here` written in the text.
    pub everyone: bool,
}

/// A message needs this many non-space characters to count as a wall...
pub const WALL_MIN_CHARS: u32 = 64;
/// ...made of at most this many distinct glyphs.
pub const WALL_MAX_GLYPHS: usize = 4;

/// Combining marks: the stuff zalgo is made of.
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Characters that draw nothing or reorder text: used to hide words and break clients.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0x2800 | 0x3164 | 0xFEFF | 0xFFA0 | 0xE0000..=0xE007F)
        || (c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

impl TextStats {
    pub fn measure(text: &str) -> Self {
        let mut s = TextStats::default();
        if text.is_empty() {
            return s;
        }
        s.everyone = mentions_everyone(text);
        if text.is_ascii() {
            // The common case: no combining marks, no invisible characters but controls.
            let bytes = text.as_bytes();
            s.chars = bytes.len() as u32;
            let mut spaces = 0u32;
            for &b in bytes {
                s.newlines += u32::from(b == b'\n');
                spaces += u32::from(matches!(b, b' ' | b'\t' | b'\r'));
                s.unusual += u32::from((b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r')) || b == 0x7F);
            }
            // Only a long message can be a wall: count its distinct glyphs then.
            let glyphs = s.chars - s.newlines - spaces - s.unusual;
            if glyphs >= WALL_MIN_CHARS {
                let mut g = Glyphs::default();
                for &b in bytes {
                    if b >= 0x20 && b != 0x7F && b != b' ' {
                        g.add(b as char);
                        if g.distinct > WALL_MAX_GLYPHS {
                            break;
                        }
                    }
                }
                g.count = glyphs;
                s.wall = g.wall();
            }
            return s;
        }
        let mut stacked = 0u32;
        let mut glyphs = Glyphs::default();
        for c in text.chars() {
            s.chars += 1;
            if is_combining(c) {
                stacked += 1;
                if stacked > 2 {
                    s.unusual += 1;
                }
                continue;
            }
            stacked = 0;
            if c == '\n' {
                s.newlines += 1;
            } else if is_invisible(c) {
                s.unusual += 1;
            } else if !c.is_whitespace() {
                glyphs.add(c);
            }
        }
        s.wall = glyphs.wall();
        s
    }
}

/// `@everyone` or `@here` anywhere in the text (one scan for `@`, which is rare).
pub fn mentions_everyone(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('@') {
        rest = &rest[i + 1..];
        if rest.starts_with("everyone") || rest.starts_with("here") {
            return true;
        }
    }
    false
}

/// Whether the text holds `://` (a link's scheme separator), found through its rare `:`.
pub fn has_scheme(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find(':') {
        rest = &rest[i + 1..];
        if rest.starts_with("//") {
            return true;
        }
    }
    false
}

/// Counts non-space glyphs and remembers the first few distinct ones.
#[derive(Default)]
struct Glyphs {
    seen: [char; WALL_MAX_GLYPHS],
    distinct: usize,
    count: u32,
}

impl Glyphs {
    fn add(&mut self, c: char) {
        self.count += 1;
        if self.distinct > WALL_MAX_GLYPHS || self.seen[..self.distinct].contains(&c) {
            return;
        }
        if self.distinct < WALL_MAX_GLYPHS {
            self.seen[self.distinct] = c;
        }
        self.distinct += 1;
    }

    fn wall(&self) -> u32 {
        if self.distinct <= WALL_MAX_GLYPHS && self.count >= WALL_MIN_CHARS {
            self.count
        } else {
            0
        }
    }
}

/// A message reduced for duplicate detection: the hash, and how many characters survived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fingerprint {
    pub hash: u64,
    pub len: u32,
}

/// Hashes the text with case folded, links, mentions (`<@…>`, `<#…>`, `@everyone`), digits,
/// punctuation, spaces and invisible characters removed. "Buy followers CHEAP!! 1" and
/// "buy followers cheap 2" share a fingerprint.
pub fn fingerprint(text: &str) -> Fingerprint {
    let bytes = text.as_bytes();
    let mut hash = Fnv1a::new();
    let mut len = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII, the common case, without decoding.
            match b {
                b'<' => {
                    if let Some(end) = mention_end(&text[i..]) {
                        i += end;
                        continue;
                    }
                }
                b'@' if bytes[i..].starts_with(b"@everyone") => {
                    i += 9;
                    continue;
                }
                b'@' if bytes[i..].starts_with(b"@here") => {
                    i += 5;
                    continue;
                }
                // Links are judged by their own keys; the words around them are the text.
                b'h' if bytes[i..].starts_with(b"https://") || bytes[i..].starts_with(b"http://") => {
                    i += bytes[i..].iter().position(u8::is_ascii_whitespace).unwrap_or(bytes.len() - i);
                    continue;
                }
                _ if b.is_ascii_alphabetic() => {
                    hash.mix(u64::from(b.to_ascii_lowercase()));
                    len += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("i is on a char boundary");
        i += c.len_utf8();
        if !c.is_alphabetic() || is_combining(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            let mut buf = [0u8; 4];
            hash.bytes(lower.encode_utf8(&mut buf).as_bytes());
            len += 1;
        }
    }
    Fingerprint { hash: hash.finish(), len }
}

/// The length of a Discord mention token at the start of `s` (`<@123>`, `<@!123>`,
/// `<@&123>`, `<#123>`), if there is one.
fn mention_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    match b.get(i) {
        Some(b'@') => {
            i += 1;
            if matches!(b.get(i), Some(b'!') | Some(b'&')) {
                i += 1;
            }
        }
        Some(b'#') => i += 1,
        _ => return None,
    }
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    (i > start && b.get(i) == Some(&b'>')).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_plain() {
        let s = TextStats::measure("hello there, how are you?\nfine");
        assert_eq!(s.chars, 30);
        assert_eq!(s.newlines, 1);
        assert_eq!(s.unusual, 0);
        assert_eq!(s.wall, 0);
        assert!(!s.everyone);
    }

    #[test]
    fn zalgo_counts_stacked_marks_only() {
        // One accent per letter is ordinary writing (decomposed é).
        assert_eq!(TextStats::measure("cafe\u{301} re\u{301}sume\u{301}").unusual, 0);
        let zalgo: String = "hi"
            .chars()
            .flat_map(|c| std::iter::once(c).chain("\u{300}\u{301}\u{302}\u{303}\u{304}\u{305}".chars()))
            .collect();
        assert_eq!(TextStats::measure(&zalgo).unusual, 8);
    }

    #[test]
    fn invisible_and_control_characters_are_unusual() {
        assert_eq!(TextStats::measure("a\u{200B}b\u{202E}c\u{0007}").unusual, 3);
        assert_eq!(TextStats::measure("tab\tand\r\nnewline").unusual, 0);
    }

    #[test]
    fn walls_of_few_glyphs() {
        let wall = "卐".repeat(100);
        assert_eq!(TextStats::measure(&wall).wall, 100);
        let lol = "LOL\n".repeat(25);
        assert_eq!(TextStats::measure(&lol).wall, 75);
        assert_eq!(TextStats::measure(&"ab ".repeat(40)).wall, 80);
        // Long ordinary text has many glyphs.
        let prose = "the quick brown fox jumps over the lazy dog ".repeat(5);
        assert_eq!(TextStats::measure(&prose).wall, 0);
        // Short bursts are not walls.
        assert_eq!(TextStats::measure("hahahaha").wall, 0);
    }

    #[test]
    fn everyone_is_seen_in_text() {
        assert!(TextStats::measure("hey @everyone look").everyone);
        assert!(TextStats::measure("@here").everyone);
    }

    #[test]
    fn everyone_and_schemes_are_found_anywhere() {
        assert!(
            mentions_everyone("hey @everyone look") && mentions_everyone("@here") && mentions_everyone("a@b @here")
        );
        assert!(!mentions_everyone("mail me at a@b.c, everyone") && !mentions_everyone(""));
        assert!(has_scheme("see https://x.ru") && has_scheme("a:b ://"));
        assert!(!has_scheme("time: 10:30 / 2") && !has_scheme(""));
    }

    #[test]
    fn ascii_walls_are_measured_as_before() {
        // A long wall of few glyphs, a long ordinary line, and controls and spaces mixed in.
        let wall = TextStats::measure(&"AB\n".repeat(40));
        assert_eq!((wall.chars, wall.newlines, wall.wall, wall.unusual), (120, 40, 80, 0));
        let prose = TextStats::measure(&"the quick brown fox jumps ".repeat(5));
        assert_eq!(prose.wall, 0);
        let odd = TextStats::measure(&format!("{}\u{7}\t\r", "x".repeat(70)));
        assert_eq!((odd.chars, odd.unusual, odd.wall), (73, 1, 70));
        assert_eq!(TextStats::measure(&"a".repeat(63)).wall, 0, "too short to be a wall");
    }

    #[test]
    fn fingerprint_ignores_spammer_noise() {
        let a = fingerprint("Buy followers CHEAP!! dm me 1");
        let b = fingerprint("buy followers cheap dm me 2 <@123456> @everyone");
        let c = fingerprint("buy\u{200B} followers cheap, dm   me");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.len, "buyfollowerscheapdmme".len() as u32);
        assert_ne!(a, fingerprint("buy followers expensive dm me"));
        assert_eq!(fingerprint("buy here https://a.ru/1 now"), fingerprint("BUY HERE http://b.ru/xyz now!"));
        // Non-ASCII letters count, and fold case too.
        assert_eq!(fingerprint("ÉCOLE Привет"), fingerprint("école привет!"));
        assert_eq!(fingerprint("ÉCOLE").len, 5);
    }

    #[test]
    fn mention_tokens() {
        assert_eq!(mention_end("<@123> x"), Some(6));
        assert_eq!(mention_end("<@!1>"), Some(5));
        assert_eq!(mention_end("<@&99>"), Some(6));
        assert_eq!(mention_end("<#5>"), Some(4));
        assert_eq!(mention_end("<@>"), None);
        assert_eq!(mention_end("<a:emoji:1>"), None);
        assert_eq!(mention_end("<@12"), None);
    }
}
