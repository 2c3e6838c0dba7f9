//! Scoring a link that no list knows.
//!
//! Scam domains rotate within days, but what they are made of does not: a protected brand's
//! name, misspelled or embedded in a foreign domain, a prize word (`nitro`, `gift`, `airdrop`),
//! a cheap TLD, a lure path (`/claim-nitro`), free hosting, a masked link that shows one domain
//! and opens another. Each signal adds points and a human-readable reason; the total decides:
//! [`SUSPICIOUS`] alerts moderators, [`SCAM`] deletes. Weights are chosen so that no single
//! weak signal (a `.ru` domain, the word `free`, a shortener) reaches even `suspicious`, a
//! brand name alone on a foreign domain is `suspicious`, and a lookalike of a brand, or a
//! brand name with a prize word on a cheap TLD, is `scam`.

use crate::brands::{self, BrandMatch};
use crate::confusable::{is_homoglyph, skeleton};
use crate::url::Link;
use crate::words::{LURE_PARTS, LURE_WORDS, RISKY_TLDS, SOMEWHAT_RISKY_TLDS};

/// Score from which a link or message is `suspicious`.
pub const SUSPICIOUS: u32 = 3;
/// Score from which a link or message is `scam`.
pub const SCAM: u32 = 7;

/// What the scorer needs to know besides the link.
pub struct Context<'a> {
    /// Whether an owner domain is allowlisted.
    pub allowed: &'a dyn Fn(&str) -> bool,
    /// Lure path segments (`claim-nitro`, from `data/scam-paths.txt`).
    pub scam_paths: &'a [String],
}

/// Score and reasons of one link.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Score {
    pub points: u32,
    pub reasons: Vec<String>,
}

impl Score {
    fn add(&mut self, points: u32, reason: String) {
        self.points += points;
        self.reasons.push(reason);
    }
}

/// Scores a link whose owner is on no list.
pub fn score(link: &Link, ctx: &Context<'_>) -> Score {
    let mut s = Score::default();
    if let Some(ip) = link.ip {
        s.add(4, format!("uses a bare IP address ({ip}) instead of a domain"));
        if link.ip_disguised {
            s.add(2, "IP address written as a number to hide it".into());
        }
    } else {
        brand_signals(link, &mut s);
        name_signals(link, &mut s);
    }
    if link.encoded_host {
        s.add(3, "host is percent-encoded to hide it".into());
    }
    if let Some(user) = &link.userinfo {
        let shown = user.split(':').next().unwrap_or(user).trim_start_matches("www.");
        if user.contains('.') && (ctx.allowed)(shown) {
            s.add(7, format!("shows the real site `{user}@` before the actual host {}", link.host_unicode));
        } else if user.contains('.') {
            s.add(5, format!("shows `{user}@` before the real host {}", link.host_unicode));
        } else {
            s.add(2, "has a user name before the host".into());
        }
    }
    if let Some(shown) = &link.shown {
        masked_signals(link, shown, ctx, &mut s);
    }
    path_signals(link, ctx, &mut s);
    s
}

fn brand_signals(link: &Link, s: &mut Score) {
    let label = link.label.as_str();
    let plain: String = label.chars().filter(|&c| c != '-').collect();
    let homoglyphs = label.chars().any(is_homoglyph);
    let mixed = homoglyphs && label.chars().any(|c| c.is_ascii_alphabetic());
    if mixed {
        s.add(4, format!("mixes Latin and look-alike letters in `{label}`"));
    }
    match brands::best_match(label) {
        Some(BrandMatch::Embedded { token }) => {
            let brand = brands::brand_of(token).map_or(token, |b| b.name);
            if plain == token {
                s.add(
                    5,
                    format!("uses the name `{token}` ({brand}) on {}, a domain its owner does not hold", link.owner),
                );
            } else {
                s.add(3, format!("contains the name `{token}` ({brand}) on an unrelated domain"));
            }
        }
        Some(BrandMatch::Homoglyph { token }) => {
            let strong = homoglyphs || skeleton(token).len() >= 7;
            s.add(if strong { 8 } else { 6 }, format!("lookalike of `{token}` (same letters to the eye: `{label}`)"));
        }
        Some(BrandMatch::Typo { token, distance }) => {
            let strong = brands::budget_for(skeleton(token).len()) >= 2;
            s.add(
                if strong { 7 } else { 5 },
                format!("lookalike of `{token}` ({distance} typo{} away)", if distance > 1 { "s" } else { "" }),
            );
        }
        None => {
            if homoglyphs && !mixed && label.chars().count() >= 4 && label.chars().all(|c| is_homoglyph(c) || c == '-')
            {
                s.add(3, format!("`{label}` is written entirely in letters that look Latin"));
            }
            let official = if link.subdomain.contains('.') {
                brands::official_domains().find(|d| link.subdomain.contains(d))
            } else {
                None
            };
            if let Some(d) = official {
                s.add(6, format!("pretends to be {d}, but the real domain is {}", link.owner));
            } else if !link.subdomain.is_empty() {
                if let Some(m) = brands::best_match(&link.subdomain.replace('.', "-")) {
                    let token = match m {
                        BrandMatch::Embedded { token }
                        | BrandMatch::Homoglyph { token }
                        | BrandMatch::Typo { token, .. } => token,
                    };
                    s.add(4, format!("puts `{token}` in the subdomain of unrelated {}", link.owner));
                }
            }
        }
    }
}

/// Lure words in the owner label, TLD risk, generated-looking names, free hosting.
fn name_signals(link: &Link, s: &mut Score) {
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
    let brandish = s.points >= 3;
    // Two words at most: a third adds no information. Part-only words are weaker.
    for w in lures.iter().take(2) {
        let points = if LURE_WORDS.contains(w) { 2 } else { 1 };
        s.add(points, format!("prize or call-to-action word `{w}` in the domain"));
    }
    let suffix = link.suffix.as_str();
    let tld = suffix.rsplit('.').next().unwrap_or(suffix);
    if RISKY_TLDS.contains(&suffix) || RISKY_TLDS.contains(&tld) {
        s.add(2, format!("cheap TLD favoured by scams (.{suffix})"));
    } else if SOMEWHAT_RISKY_TLDS.contains(&tld) {
        s.add(1, format!("TLD over-represented in scams (.{tld})"));
    } else if !link.known_suffix && !link.suffix.is_empty() {
        s.add(2, format!("unknown TLD (.{tld})"));
    }
    if link.hosting {
        let with = if brandish || !lures.is_empty() { 2 } else { 0 };
        s.add(1 + with, format!("on a free/shared hosting suffix ({suffix})"));
    }
    if looks_generated(label) {
        s.add(2, format!("`{label}` looks machine-generated"));
    }
}

fn masked_signals(link: &Link, shown: &str, ctx: &Context<'_>, s: &mut Score) {
    let Some(shown_link) = crate::extract::classify(shown).and_then(|c| crate::url::parse(&c)) else {
        return;
    };
    if shown_link.owner == link.owner {
        return;
    }
    let trusted = (ctx.allowed)(&shown_link.owner);
    s.add(if trusted { 7 } else { 5 }, format!("masked link shows {} but opens {}", shown_link.owner, link.owner));
}

fn path_signals(link: &Link, ctx: &Context<'_>, s: &mut Score) {
    if link.path.len() < 2 {
        return;
    }
    let path = link.path.to_lowercase();
    if let Some(d) = path.contains('.').then(|| brands::official_domains().find(|d| path.contains(d))).flatten() {
        s.add(3, format!("names {d} in the path to look legitimate"));
    }
    let hit =
        path.split(['/', '?', '#', '&', '=']).find(|seg| !seg.is_empty() && ctx.scam_paths.iter().any(|p| p == seg));
    if let Some(seg) = hit {
        // `/billing` or `/promo` alone is ordinary on a shop; `/claim-nitro` never is.
        let specific = seg.contains(['-', '_'])
            || ["nitro", "steam", "airdrop", "tradeoffer", "giveaway", "glft"].iter().any(|w| seg.contains(w));
        s.add(if specific { 3 } else { 2 }, format!("lure path `/{seg}`"));
    } else if let Some(w) =
        ["nitro", "gift", "airdrop", "claim", "giveaway", "free-", "promo"].iter().find(|w| path.contains(**w))
    {
        s.add(2, format!("lure word `{}` in the path", w.trim_end_matches('-')));
    }
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
        if let Some(w) = LURE_PARTS.iter().find(|w| **w == part) {
            if !found.contains(w) {
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
    use crate::extract::classify;

    fn judge(u: &str) -> Score {
        let paths: Vec<String> = ["claim-nitro", "gift"].iter().map(|s| s.to_string()).collect();
        let allowed = |d: &str| d == "steamcommunity.com";
        let ctx = Context { allowed: &allowed, scam_paths: &paths };
        score(&crate::url::parse(&classify(u).unwrap()).unwrap(), &ctx)
    }

    #[test]
    fn lookalikes_are_scam() {
        assert!(judge("https://steamcommunlty.com/").points >= SCAM);
        assert!(judge("https://dіscord.com/").points >= SCAM);
        assert!(judge("https://d1scord-gift.com/").points >= SCAM);
        assert!(judge("https://stearncomnunity.ru/").points >= SCAM);
    }

    #[test]
    fn brand_in_a_foreign_domain() {
        let s = judge("https://steam-gift-nitro.ru/");
        assert!(s.points >= SCAM, "{s:?}");
        let s = judge("https://discordfans.com/");
        assert!((SUSPICIOUS..SCAM).contains(&s.points), "{s:?}");
        assert!(judge("https://steamcommunity.com.evil.ru/").points >= SUSPICIOUS);
    }

    #[test]
    fn weak_signals_alone_stay_clean() {
        for u in ["https://example.ru/", "https://freepik.com/", "https://mygift.com/", "https://books.xyz/"] {
            assert!(judge(u).points < SUSPICIOUS, "{u}: {:?}", judge(u));
        }
    }

    #[test]
    fn lure_paths_hosting_ip_userinfo_masking() {
        assert!(judge("https://a-site.com/claim-nitro").points >= SUSPICIOUS);
        assert!(judge("https://nitro-drop.vercel.app/").points >= SUSPICIOUS);
        assert!(judge("http://3232235777/gift").points >= SCAM);
        assert!(judge("https://steamcommunity.com@evil.ru/").points >= SCAM);
        assert!(judge("https://example.org@evil.ru/").points >= SUSPICIOUS);
        assert!(judge("https://a-shop.com/gift").points < SUSPICIOUS);
        let paths: Vec<String> = vec![];
        let allowed = |d: &str| d == "steamcommunity.com";
        let ctx = Context { allowed: &allowed, scam_paths: &paths };
        let mut c = classify("https://evil.ru/x").unwrap();
        c.shown = Some("steamcommunity.com/gift".into());
        assert!(score(&crate::url::parse(&c).unwrap(), &ctx).points >= SCAM);
    }

    #[test]
    fn lure_words_through_digits_and_homoglyphs() {
        let s = judge("https://fr33-n1tr0.com/");
        assert!(
            s.reasons.iter().any(|r| r.contains("`free`")) && s.reasons.iter().any(|r| r.contains("`nitro`")),
            "{s:?}"
        );
        assert!(s.points >= SUSPICIOUS);
        assert!(judge("https://gіft-box.com/").reasons.iter().any(|r| r.contains("`gift`")));
    }

    #[test]
    fn generated_names() {
        assert!(looks_generated("qzxkvbnmtp"));
        assert!(looks_generated("23c7481e"));
        assert!(looks_generated("60255"));
        for w in ["google", "wikipedia", "strength", "angstrom", "bbc", "163"] {
            assert!(!looks_generated(w), "{w}");
        }
    }
}
