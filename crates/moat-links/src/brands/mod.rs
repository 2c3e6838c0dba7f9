//! The brands that Discord scams imitate, and how close a name may come to one.
//!
//! Account-takeover scams on Discord impersonate a short list of names: Steam and its
//! community site, Discord and its Nitro / HypeSquad programmes, the CS2 skin-trading sites,
//! Roblox, Epic, Twitch, and the crypto wallets. Each brand has the tokens that appear in its
//! real domains and the official domains themselves (which the allowlist also holds). A name
//! whose skeleton contains a token within the brand's edit-distance budget, on a domain the
//! brand does not own, is a lookalike. Long tokens tolerate more typos than short ones: at
//! distance 1, `discord` already collides with real words (`discard`), so tokens of six letters
//! or fewer must match exactly on the skeleton.

use crate::confusable::skeleton;
use crate::fuzzy::Pattern;

/// One protected brand.
pub struct Brand {
    /// Display name, used in reasons.
    pub name: &'static str,
    /// Tokens as they appear in the brand's domains (raw, lower case). A leading `=` means
    /// "exact skeleton only": the token is one letter away from ordinary words
    /// (`dmarket`/`emarket`, `binance`/`finance`). A leading `!` marks a name that is itself a
    /// lure (Discord's `hypesquad` programme, Roblox's `robux` currency): naming it is already
    /// the bait.
    pub tokens: &'static [&'static str],
    /// Registrable domains the brand really owns.
    pub official: &'static [&'static str],
}

pub use table::BRANDS;

mod table;

/// A compiled brand token: its skeleton as a bit-parallel search pattern and its budget.
pub struct BrandToken {
    pub brand: &'static Brand,
    pub token: &'static str,
    pub skeleton: String,
    pub pattern: Pattern,
    /// Largest edit distance still called a lookalike.
    pub budget: usize,
    /// `2 × budget + 1` disjoint pieces of the skeleton: an edit (or a swap of neighbours)
    /// breaks at most two pieces, so a name within the budget contains at least one of them
    /// exactly, and a name containing none is skipped cheaply.
    pub pieces: Vec<Piece>,
    /// The name is itself a lure (`!` in [`Brand::tokens`]).
    pub lure: bool,
    /// The letter pairs of the token as written, to skip names that cannot contain it.
    pub raw: Piece,
}

/// How much a token of this skeleton length may be mistyped and still count.
pub fn budget_for(len: usize) -> usize {
    match len {
        0..=6 => 0,
        7..=9 => 1,
        10..=12 => 2,
        _ => 3,
    }
}

/// All brand tokens, compiled. Built once (cheap: a few dozen short patterns).
pub fn tokens() -> &'static [BrandToken] {
    static TOKENS: std::sync::OnceLock<Vec<BrandToken>> = std::sync::OnceLock::new();
    TOKENS.get_or_init(|| {
        let mut v = Vec::new();
        for brand in BRANDS {
            for &spec in brand.tokens {
                let (token, exact, lure) = match (spec.strip_prefix('='), spec.strip_prefix('!')) {
                    (Some(t), _) => (t, true, false),
                    (_, Some(t)) => (t, false, true),
                    _ => (spec, false, false),
                };
                let skel = skeleton(token);
                let budget = if exact { 0 } else { budget_for(skel.len()) };
                v.push(BrandToken {
                    brand,
                    token,
                    pattern: Pattern::new(skel.as_bytes()),
                    budget,
                    pieces: pieces(&skel, 2 * budget + 1).iter().map(|p| Piece::of(p.as_bytes())).collect(),
                    lure,
                    raw: Piece::of(token.as_bytes()),
                    skeleton: skel,
                });
            }
        }
        v
    })
}

/// The letters and letter pairs of a short text, as one bit set: a text can only contain a
/// piece whose letters and pairs it has, so a few bit tests skip most tokens without a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grams([u64; 68]);

/// The bits a piece needs: its pairs, or its letter when it is one letter long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece(Vec<u16>);

fn pair(a: u8, b: u8) -> u16 {
    ((a as u16 & 63) << 6) | (b as u16 & 63)
}

impl Grams {
    pub fn of(b: &[u8]) -> Grams {
        let mut g = Grams([0; 68]);
        for &c in b {
            g.set(4096 + (c as u16 & 255));
        }
        for w in b.windows(2) {
            g.set(pair(w[0], w[1]));
        }
        g
    }

    fn set(&mut self, i: u16) {
        self.0[i as usize / 64 % 68] |= 1 << (i % 64);
    }

    fn has(&self, i: u16) -> bool {
        self.0[i as usize / 64 % 68] & (1 << (i % 64)) != 0
    }

    /// Whether the text may contain `piece` (always true when it does).
    pub fn covers(&self, piece: &Piece) -> bool {
        piece.0.iter().all(|&i| self.has(i))
    }
}

impl Piece {
    pub fn of(b: &[u8]) -> Piece {
        match b {
            [c] => Piece(vec![4096 + *c as u16]),
            _ => Piece(b.windows(2).map(|w| pair(w[0], w[1])).collect()),
        }
    }
}

/// `s` cut into `n` nearly equal, disjoint pieces.
fn pieces(s: &str, n: usize) -> Vec<String> {
    let b = s.as_bytes();
    let n = n.clamp(1, b.len().max(1));
    (0..n).map(|i| String::from_utf8_lossy(&b[i * b.len() / n..(i + 1) * b.len() / n]).into_owned()).collect()
}

/// The brand tokens that appear as they are in a plain (hyphen-free) name.
pub fn embedded_tokens(plain: &str) -> impl Iterator<Item = &'static BrandToken> + '_ {
    let grams = Grams::of(plain.as_bytes());
    tokens().iter().filter(move |t| grams.covers(&t.raw) && plain.contains(t.token))
}

/// The official domain written without its dot inside a plain name (`discordgg`, `discordgift`),
/// if any. Only dotless forms of at least eight letters that are not themselves a brand token
/// count (`s.team` is just `steam`).
pub fn dotless_official(plain: &str) -> Option<&'static str> {
    static DOTLESS: std::sync::OnceLock<Vec<(&'static str, String)>> = std::sync::OnceLock::new();
    let forms = DOTLESS.get_or_init(|| {
        official_domains()
            .map(|d| (d, d.replace(['.', '-'], "")))
            .filter(|(_, f)| f.len() >= 8 && tokens().iter().all(|t| t.token != f))
            .collect()
    });
    forms.iter().find(|(_, f)| plain.contains(f.as_str())).map(|(d, _)| *d)
}

/// Every official domain of every brand (they go into the allowlist).
pub fn official_domains() -> impl Iterator<Item = &'static str> {
    BRANDS.iter().flat_map(|b| b.official.iter().copied())
}

/// How a name relates to a brand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrandMatch {
    /// The brand token appears as it is (`steam-gift-nitro`): impersonation or fan site.
    Embedded { token: &'static str },
    /// The skeleton matches exactly but the letters differ (`d1scord`, `ѕteam`, `stearn`).
    Homoglyph { token: &'static str },
    /// Within the edit budget of the token (`steamcommunlty`, `dicsord`).
    Typo { token: &'static str, distance: usize },
}

/// The strongest brand match of a registrable label (the part before the public suffix; for
/// hosting suffixes the owning subdomain). `raw` is the label in Unicode, lower case.
pub fn best_match(raw: &str) -> Option<BrandMatch> {
    let skel = skeleton(raw);
    if skel.len() < 3 || skel.len() > 128 {
        return None;
    }
    let plain: String = raw.chars().filter(|&c| c != '-').collect();
    let grams = Grams::of(skel.as_bytes());
    let mut best: Option<(u8, BrandMatch)> = None;
    for t in tokens() {
        // A pattern longer than the text by more than the budget cannot match, and a name
        // within the budget contains one of the pattern's pieces exactly.
        if skel.len() + t.budget < t.skeleton.len() || !t.pieces.iter().any(|p| grams.covers(p)) {
            continue;
        }
        let Some(distance) = t.pattern.best_distance(skel.as_bytes(), t.budget) else { continue };
        let m = if plain.contains(t.token) && (plain == t.token || skel != t.skeleton) {
            (1, BrandMatch::Embedded { token: t.token })
        } else if plain.contains(t.token) {
            // `discordd`: the brand with a letter doubled reads as the brand itself.
            (3, BrandMatch::Homoglyph { token: t.token })
        } else if distance == 0 {
            // Four-letter skeletons (`mee6` → `me6`) occur inside ordinary names too often.
            if t.skeleton.len() < 5 {
                continue;
            }
            // `discord-api-types` folds to `discordap…` but only embeds `discord`: a longer token
            // matched through folding, in a longer name, is the shorter brand name as it is.
            let shorter = tokens()
                .iter()
                .find(|o| o.token.len() < t.token.len() && t.token.contains(o.token) && plain.contains(o.token));
            if let (Some(o), true) = (shorter, skel != t.skeleton) {
                (1, BrandMatch::Embedded { token: o.token })
            } else {
                (3, BrandMatch::Homoglyph { token: t.token })
            }
        } else {
            // `discordnitro` is two edits from `discordapp` but really just embeds `discord`:
            // a typo of a longer token only counts when the rest of that token is mostly there.
            let shorter = tokens()
                .iter()
                .find(|o| o.token.len() < t.token.len() && t.token.contains(o.token) && plain.contains(o.token));
            if let Some(o) = shorter {
                if distance * 3 >= t.token.len() - o.token.len() {
                    continue;
                }
            }
            (2, BrandMatch::Typo { token: t.token, distance })
        };
        if best.as_ref().is_none_or(|(rank, _)| m.0 > *rank) {
            best = Some(m);
        }
    }
    best.map(|(_, m)| m)
}

/// The brand a token belongs to.
pub fn brand_of(token: &str) -> Option<&'static Brand> {
    token_of(token).map(|t| t.brand)
}

/// The compiled token of this name.
pub fn token_of(token: &str) -> Option<&'static BrandToken> {
    tokens().iter().find(|t| t.token == token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_brand_names() {
        assert_eq!(best_match("steam-gift-nitro"), Some(BrandMatch::Embedded { token: "steam" }));
        assert!(matches!(best_match("discordnitro"), Some(BrandMatch::Embedded { token: "discord" })));
    }

    #[test]
    fn homoglyphs_and_digit_swaps() {
        assert_eq!(best_match("d1scord"), Some(BrandMatch::Homoglyph { token: "discord" }));
        assert_eq!(best_match("dіscord"), Some(BrandMatch::Homoglyph { token: "discord" }));
        assert!(matches!(best_match("stearncommunity"), Some(BrandMatch::Homoglyph { .. })));
        assert!(matches!(best_match("ѕtеаm-gift"), Some(BrandMatch::Homoglyph { token: "steam" })));
    }

    #[test]
    fn typos_within_budget() {
        assert!(matches!(best_match("steamcommunlty"), Some(BrandMatch::Homoglyph { .. })));
        assert!(matches!(best_match("steamcomnunity"), Some(BrandMatch::Typo { distance: 1, .. })));
        assert!(matches!(best_match("stemcommuniity"), Some(BrandMatch::Typo { .. })));
        assert!(matches!(best_match("hypesqaud-events"), Some(BrandMatch::Typo { .. })));
    }

    #[test]
    fn ordinary_words_do_not_match() {
        assert!(matches!(best_match("discard"), Some(BrandMatch::Typo { distance: 1, .. })));
        for w in [
            "switch",
            "google",
            "stream",
            "team",
            "discogs",
            "record",
            "wikipedia",
            "epic",
            "blocks",
            "finance",
            "emarketer",
            "supermarket",
        ] {
            assert_eq!(best_match(w), None, "{w}");
        }
    }
}
