//! Name signals that need no brand: lure words, a name dressed up as a web address, the TLD,
//! free hosting, machine-generated names.

use super::Score;
use crate::url::Link;
use crate::words::{LURE_PART_SET, LURE_WORDS, LURE_WORD_SET, RISKY_TLD_SET, SOMEWHAT_RISKY_TLD_SET};

/// Lure words in the owner label, TLD risk, generated-looking names, free hosting.
pub fn signals(link: &Link, s: &mut Score) {
    let label = link.label.as_str();
    let mut lures = lure_words(label);
    if label.bytes().any(|b| b.is_ascii_digit() || b >= 0x80) {
        // `fr33-n1tr0` and Cyrillic `gіft` are still prize words to a reader.
        for w in lure_words(&fold_digits(label)) {
            if !lures.contains(&w) {
                lures.push(w);
            }
        }
    }
    s.lure_words = lures.clone();
    // A brand's own name is not also a lure (`csgo` in `csgoskins`).
    lures.retain(|w| crate::brands::brand_of(w).is_none());
    // A lone part-only word (`sign`, `market`, `bridge`) says nothing; with a brand or another
    // lure it does. Two words at most: a third adds no information.
    let suffix = link.suffix.as_str();
    let tld = suffix.rsplit('.').next().unwrap_or(suffix);
    let risky = RISKY_TLD_SET.contains(suffix) || RISKY_TLD_SET.contains(tld);
    let alone = lures.len() == 1 && !s.facts.brand && !s.facts.lookalike && !LURE_WORD_SET.contains(lures[0]) && !risky;
    if !alone {
        for w in lures.iter().take(2) {
            let strong = LURE_WORD_SET.contains(w);
            s.facts.lure |= strong;
            s.add(if strong { 2 } else { 1 }, format!("prize or call-to-action word `{w}` in the domain"));
        }
        if let Some(w) = lures.iter().find(|w| LURE_WORD_SET.contains(w)).filter(|_| s.facts.brand) {
            s.add(2, format!("pairs a brand's name with the lure `{w}`"));
        }
    }
    if let Some(part) = web_address_part(label) {
        let points = if s.facts.brand { 5 } else { 3 };
        s.add(points, format!("dresses its name up as a web address (`{part}` in `{label}`)"));
        s.facts.lookalike = true;
    }
    if risky {
        s.add(2, format!("cheap TLD favoured by scams (.{suffix})"));
    } else if SOMEWHAT_RISKY_TLD_SET.contains(tld) {
        s.add(1, format!("TLD over-represented in scams (.{tld})"));
    } else if !link.known_suffix && !link.suffix.is_empty() {
        s.add(2, format!("unknown TLD (.{tld})"));
    }
    if link.hosting {
        let with = if s.facts.lookalike || s.facts.lure { 2 } else { 0 };
        s.add(1 + with, format!("on a free/shared hosting suffix ({suffix})"));
    }
    if looks_generated(label) {
        s.add(2, format!("`{label}` looks machine-generated"));
    }
}

/// `www-roblox`, `wvw-roblox`, `https-steam`, `steamcommunity-com`: parts of a web address
/// written into a name, so that a hurried reader sees the real site's address.
pub fn web_address_part(label: &str) -> Option<&str> {
    if !label.contains('-') {
        return None;
    }
    let mut parts = label.split('-').filter(|p| !p.is_empty());
    let first = parts.next()?;
    // `www`, `wvw`, `vvww`, `wwwz`, `uwww`: a fake `www` prefix.
    let w = first.bytes().filter(|&b| b == b'w').count();
    let other: Vec<u8> = first.bytes().filter(|b| !matches!(b, b'w' | b'v' | b'u')).collect();
    let fake_www = (3..=6).contains(&first.len())
        && w >= 2
        && other.len() <= 1
        && other.iter().all(|b| !matches!(b, b'a' | b'e' | b'i' | b'o' | b'y'));
    if fake_www {
        return Some(first);
    }
    std::iter::once(first).chain(parts).find(|p| matches!(*p, "www" | "http" | "https" | "com"))
}

/// Homoglyphs folded to ASCII and digits read as the letters they imitate.
fn fold_digits(label: &str) -> String {
    label
        .chars()
        .map(|c| match crate::confusable::fold_char(c).unwrap_or(c) {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            f => f,
        })
        .collect()
}

/// Lure words found in a label, longest first, without overlaps.
pub fn lure_words(label: &str) -> Vec<&'static str> {
    // Words indexed by first byte, longest first.
    static BY_FIRST: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    let by_first = BY_FIRST.get_or_init(|| {
        let mut v: Vec<Vec<&'static str>> = vec![Vec::new(); 256];
        for w in LURE_WORDS {
            v[w.as_bytes()[0] as usize].push(w);
        }
        v.iter_mut().for_each(|l| l.sort_by_key(|w| std::cmp::Reverse(w.len())));
        v
    });
    // One pass, leftmost-longest: at each position the longest word that starts there wins
    // and is blanked out, so `giveaway` is not also counted as `give`.
    let mut found: Vec<&'static str> = Vec::new();
    let mut rest = String::with_capacity(label.len());
    let b = label.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hit = by_first[b[i] as usize].iter().find(|w| b[i..].starts_with(w.as_bytes()));
        match hit {
            Some(w) => {
                if !found.contains(w) {
                    found.push(w);
                }
                rest.push('|');
                i += w.len();
            }
            None => {
                let c = label[i..].chars().next().unwrap_or('|');
                rest.push(c);
                i += c.len_utf8();
            }
        }
    }
    // Whole parts of a name split at hyphens and digits, for words too common as substrings.
    for part in rest.split(|c: char| c == '-' || c == '|' || c.is_ascii_digit()) {
        if let Some(w) = LURE_PART_SET.get(part) {
            if !found.contains(&w) {
                found.push(w);
            }
        }
    }
    found
}

/// Names that no person chose: long consonant runs, letters and digits interleaved, hex
/// hashes, or nothing but digits.
pub fn looks_generated(label: &str) -> bool {
    let b: Vec<u8> = label.bytes().filter(|&c| c != b'-').collect();
    if !label.is_ascii() || b.len() < 4 {
        return false;
    }
    if b.iter().all(u8::is_ascii_digit) {
        return b.len() >= 5;
    }
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let (mut run, mut max_run, mut vowels, mut switches) = (0, 0, 0, 0);
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_alphabetic() && !vowel(c) {
            run += 1;
            max_run = max_run.max(run);
        } else {
            run = 0;
        }
        if vowel(c) {
            vowels += 1;
        }
        if i > 0 && b[i - 1].is_ascii_digit() != c.is_ascii_digit() {
            switches += 1;
        }
    }
    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let digits = b.len() - letters;
    let hexy = b.len() >= 8 && digits >= 2 && letters >= 2 && b.iter().all(|c| c.is_ascii_hexdigit());
    hexy || max_run >= 7 || switches >= 4 || (b.len() >= 10 && letters > 0 && vowels * 6 < letters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names() {
        assert!(looks_generated("qzxkvbnmtp"));
        assert!(looks_generated("23c7481e"));
        assert!(looks_generated("60255"));
        for w in ["google", "wikipedia", "strength", "angstrom", "bbc", "163"] {
            assert!(!looks_generated(w), "{w}");
        }
    }

    #[test]
    fn web_address_parts() {
        for (label, part) in
            [("www-roblox", "www"), ("wvw-roblox", "wvw"), ("vwvvw-roblox", "vwvvw"), ("steamcommunity-com", "com")]
        {
            assert_eq!(web_address_part(label), Some(part), "{label}");
        }
        for label in ["roblox", "wave-pool", "wow-guide", "view-com2"] {
            assert_eq!(web_address_part(label), None, "{label}");
        }
    }
}
