//! Confusable characters and the "skeleton" of a name.
//!
//! Scammers register names that *look* like a brand to a hurried reader: Cyrillic `е` for Latin
//! `e`, `1` or `l` for `i`, `rn` for `m`, `cl` for `d`. Comparing raw strings misses all of
//! them, so every comparison with a protected brand is made on a skeleton: each character is
//! mapped to the ASCII letter it is usually mistaken for, and letter groups that read as one
//! letter are folded. Two names with the same skeleton are confusable. The table is a compact,
//! hand-picked subset of Unicode's `confusables.txt` (Latin-looking Cyrillic, Greek, fullwidth,
//! and the digit/letter swaps seen in Discord scam domains); it is not a general Unicode
//! security library and does not try to be.

/// Maps one character to the ASCII character it is usually mistaken for, or `None` when it has
/// no look-alike in `[a-z0-9-]` (the character is then kept out of the skeleton).
pub fn fold_char(c: char) -> Option<char> {
    let c = fold_width(c);
    if c.is_ascii() {
        let l = c.to_ascii_lowercase();
        return (l.is_ascii_alphanumeric() || l == '-').then_some(l);
    }
    let mapped = match c {
        // Cyrillic
        'а' | 'А' => 'a',
        'в' | 'В' => 'b',
        'ь' | 'Ь' => 'b',
        'с' | 'С' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ё' | 'Ё' | 'є' | 'Є' => 'e',
        'һ' | 'Һ' | 'н' | 'Н' => 'h',
        'і' | 'І' | 'ї' | 'Ї' | 'ӏ' | 'Ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' => 'k',
        'м' | 'М' => 'm',
        'о' | 'О' => 'o',
        'р' | 'Р' => 'p',
        'ԛ' => 'q',
        'г' | 'Г' => 'r',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' => 't',
        'и' | 'И' | 'џ' | 'Џ' => 'u',
        'ѵ' | 'Ѵ' => 'v',
        'ԝ' | 'Ԝ' | 'ш' | 'Ш' => 'w',
        'х' | 'Х' => 'x',
        'у' | 'У' | 'ү' | 'Ү' => 'y',
        // Greek
        'α' | 'Α' => 'a',
        'β' | 'Β' => 'b',
        'ε' | 'Ε' => 'e',
        'η' | 'Η' => 'n',
        'ι' | 'Ι' | 'ί' => 'i',
        'κ' | 'Κ' => 'k',
        'μ' | 'Μ' => 'm',
        'ν' | 'Ν' => 'v',
        'ο' | 'Ο' | 'ό' | 'σ' => 'o',
        'ρ' | 'Ρ' => 'p',
        'τ' | 'Τ' => 't',
        'υ' | 'Υ' => 'u',
        'χ' | 'Χ' => 'x',
        'γ' => 'y',
        'Ζ' => 'z',
        // Latin with marks that readers skip over
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' | 'ġ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ī' | 'ɩ' => 'i',
        'ł' | 'ƚ' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ŕ' | 'ř' => 'r',
        'ś' | 'š' | 'ş' => 's',
        'ť' | 'ţ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ɡ' => 'g',
        _ => return None,
    };
    Some(mapped)
}

/// Fullwidth and mathematical-looking forms to their ASCII originals (`ｄｉｓｃｏｒｄ`).
pub fn fold_width(c: char) -> char {
    let u = c as u32;
    match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3002 | 0xFF61 | 0xFE52 | 0x2024 | 0x2E31 | 0x00B7 => '.',
        0x2215 | 0x2044 => '/',
        0x2010 | 0x2011 | 0x2012 | 0x2013 | 0x2212 => '-',
        _ => c,
    }
}

/// Whether a character is a homoglyph: not ASCII, but folds onto an ASCII letter.
pub fn is_homoglyph(c: char) -> bool {
    !c.is_ascii() && fold_char(c).is_some_and(|f| f.is_ascii_alphabetic())
}

/// The skeleton of a name, for comparison with brands: confusables folded to ASCII, digits read
/// as the letters they stand in for (`0`→`o`, `1`→`l`, `3`→`e`, `4`→`a`, `5`→`s`, `7`→`t`),
/// `i`/`l`/`1` merged into `l`, `rn`→`m`, `vv`→`w`, `cl`→`d`, doubled letters collapsed, and
/// hyphens dropped. `d1scord`, `dlscord`, `dіscord` (Cyrillic і) and `disccord` all give
/// `dlscord`.
pub fn skeleton(name: &str) -> String {
    let mut folded: Vec<u8> = Vec::with_capacity(name.len());
    for c in name.chars() {
        let Some(f) = fold_char(c) else { continue };
        let b = match f {
            '0' => b'o',
            '1' | 'i' | '!' | '|' => b'l',
            '3' => b'e',
            '4' => b'a',
            '5' => b's',
            '7' => b't',
            '-' => continue,
            other => other as u8,
        };
        folded.push(b);
    }
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let b = folded[i];
        let next = folded.get(i + 1).copied();
        let (emit, step) = match (b, next) {
            (b'r', Some(b'n')) => (b'm', 2),
            (b'v', Some(b'v')) => (b'w', 2),
            (b'c', Some(b'l')) => (b'd', 2),
            _ => (b, 1),
        };
        if out.as_bytes().last() != Some(&emit) {
            out.push(emit as char);
        }
        i += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_and_letter_swaps_share_a_skeleton() {
        let want = skeleton("discord");
        for fake in ["d1scord", "dlscord", "dіscord", "DISCORD", "discorcl", "disccord", "dis-cord"] {
            assert_eq!(skeleton(fake), want, "{fake}");
        }
        assert_eq!(skeleton("stearncommunity"), skeleton("steamcommunity"));
        assert_eq!(skeleton("ѕtеаm"), "steam");
        assert_ne!(skeleton("discard"), want);
    }

    #[test]
    fn fullwidth_folds_to_ascii() {
        assert_eq!(skeleton("ｄｉｓｃｏｒｄ"), skeleton("discord"));
        assert_eq!(fold_width('．'), '.');
        assert!(is_homoglyph('е'));
        assert!(!is_homoglyph('e'));
        assert!(!is_homoglyph('中'));
    }
}
