//! Brand signals: lookalikes of protected brands, their names inside other domains, and names
//! that pretend to be a real site (`steamcommunity.com.evil.ru`, `itch.io.ru`, `s.team-xx.com`).

use super::{Context, Score};
use crate::brands::{self, BrandMatch};
use crate::confusable::{is_homoglyph, skeleton};
use crate::url::Link;

/// Brand and pretence signals of a link's name.
pub fn signals(link: &Link, ctx: &Context<'_>, s: &mut Score) {
    let label = link.label.as_str();
    let homoglyphs = label.chars().any(is_homoglyph);
    let mixed = homoglyphs && label.chars().any(|c| c.is_ascii_alphabetic());
    if mixed {
        s.add(4, format!("mixes Latin and look-alike letters in `{label}`"));
        s.facts.lookalike = true;
    }
    let in_label = brands::best_match(label);
    match in_label {
        Some(BrandMatch::Embedded { token }) => embedded(link, token, s),
        Some(BrandMatch::Homoglyph { token }) => {
            let strong = homoglyphs || skeleton(token).len() >= 7;
            s.add(if strong { 8 } else { 6 }, format!("lookalike of `{token}` (same letters to the eye: `{label}`)"));
            s.facts.lookalike = true;
        }
        Some(BrandMatch::Typo { token, distance }) => {
            let strong = brands::budget_for(skeleton(token).len()) >= 2;
            let typos = format!("{distance} typo{}", if distance > 1 { "s" } else { "" });
            // `nationaleatingdisorders`: a near miss inside a long name of other words is more
            // often an ordinary word than a lookalike.
            let lures: usize = crate::heuristics::name::lure_words(label).iter().map(|w| w.len()).sum();
            let unexplained = label.chars().filter(|c| c.is_alphanumeric()).count().saturating_sub(token.len() + lures);
            if unexplained >= 7 {
                s.add(2, format!("resembles `{token}` ({typos} away) inside a longer name"));
            } else {
                s.add(if strong { 7 } else { 5 }, format!("lookalike of `{token}` ({typos} away)"));
                s.facts.lookalike = true;
            }
        }
        None => {
            if homoglyphs && !mixed && label.chars().count() >= 4 && label.chars().all(|c| is_homoglyph(c) || c == '-')
            {
                s.add(3, format!("`{label}` is written entirely in letters that look Latin"));
                s.facts.lookalike = true;
            }
        }
    }
    if let Some(reason) = pretence(link, ctx) {
        s.add(reason.0, reason.1);
        s.facts.deception = true;
    } else if in_label.is_none() && !link.subdomain.is_empty() {
        subdomain_brand(link, s);
    }
}

/// A brand's name as it is, in a domain the brand does not hold.
fn embedded(link: &Link, token: &'static str, s: &mut Score) {
    let label = link.label.as_str();
    let plain: String = label.chars().filter(|&c| c != '-').collect();
    let brand = brands::brand_of(token).map_or(token, |b| b.name);
    s.facts.brand = true;
    if plain == token {
        s.add(2, format!("is named `{token}` ({brand}), but {} is not {brand}'s", link.owner));
    } else {
        s.add(1, format!("contains the name `{token}` ({brand})"));
    }
    if label.contains(&format!("{token}-")) || label.contains(&format!("-{token}")) {
        s.add(1, format!("joins `{token}` to other words with hyphens"));
    }
    let lure_token: Option<&brands::BrandToken> = brands::embedded_tokens(&plain).find(|t| t.lure);
    if let Some(t) = lure_token {
        s.add(2, format!("`{}` is itself a favourite lure of {} scams", t.token, t.brand.name));
        s.facts.lure = true;
    }
    if let Some(d) = brands::dotless_official(&plain) {
        s.add(3, format!("writes {d} without its dot"));
        s.facts.lookalike = true;
    } else if plain == token && uncommon_gtld(&link.suffix) {
        s.add(1, format!("puts `{token}` on .{}, a TLD {brand} does not use", link.suffix));
    }
    let this = brands::brand_of(token).map(|b| b.name);
    let other: Option<&brands::BrandToken> =
        brands::embedded_tokens(&plain).find(|t| Some(t.brand.name) != this && !token.contains(t.token));
    if let Some(other) = other {
        s.add(3, format!("names two brands at once (`{token}`, `{}`)", other.token));
        s.facts.lookalike = true;
    }
}

/// A newer generic TLD (`.moscow`, `.win`, `.limo`): where a brand's own name is squatted, not
/// where fans name their sites (`fortnite.gg`, `dota2.ru`, `minecraft.wiki`).
fn uncommon_gtld(suffix: &str) -> bool {
    const COMMON: &[&str] = &[
        "com", "net", "org", "io", "gg", "co", "me", "tv", "app", "dev", "info", "wiki", "xyz", "fm", "ai", "so",
        "gov", "edu", "mil",
    ];
    suffix.len() >= 3 && !suffix.contains('.') && !COMMON.contains(&suffix)
}

/// A real domain inside a foreign one: an official brand domain anywhere left of the owner
/// (`steamcommunity.com.evil.ru`, `steamcommunity.com-login.ru`), or an allowlisted domain as
/// whole labels ending before the public suffix (`itch.io.ru`, whose owner `io.ru` is not itch's).
fn pretence(link: &Link, ctx: &Context<'_>) -> Option<(u32, String)> {
    let host = link.host.strip_prefix("www.").unwrap_or(&link.host);
    let labels: Vec<&str> = host.split('.').collect();
    // Nothing left of the owner (`word.co.uk`): nothing can pretend.
    if labels.len() <= link.owner.split('.').count() {
        return None;
    }
    {
        // An official domain followed by more name: `steamcommunity.com.evil.ru`, `…com-login.ru`.
        let found = brands::official_domains().find(|d| {
            host.match_indices(*d).any(|(pos, _)| matches!(host.as_bytes().get(pos + d.len()), Some(b'.' | b'-')))
        });
        if let Some(d) = found {
            return Some((7, format!("pretends to be {d}, but the real domain is {}", link.owner)));
        }
    }
    // Label spans that end before the suffix: `itch.io` in `itch.io.ru` (suffix `ru`).
    let suffix_labels = if link.suffix.is_empty() { 0 } else { link.suffix.split('.').count() };
    let limit = labels.len().checked_sub(suffix_labels)?;
    for i in 0..limit.saturating_sub(1) {
        for j in (i + 2..=limit).rev() {
            let span = labels[i..j].join(".");
            if span != link.owner && (ctx.allowed)(&span) {
                let official = brands::official_domains().any(|d| d == span);
                return Some((
                    if official { 7 } else { 4 },
                    format!("looks like {span} with more added, but the real domain is {}", link.owner),
                ));
            }
        }
    }
    None
}

/// A brand in the subdomain of an unrelated owner, or split across a dot (`s.team-xx.com`).
fn subdomain_brand(link: &Link, s: &mut Score) {
    if let Some(m) = brands::best_match(&link.subdomain.replace('.', "-")) {
        let token = match m {
            BrandMatch::Embedded { token } | BrandMatch::Homoglyph { token } | BrandMatch::Typo { token, .. } => token,
        };
        s.add(2, format!("puts `{token}` in the subdomain of unrelated {}", link.owner));
        s.facts.brand = true;
        return;
    }
    // The subdomain's last label and the owner's label read as one word.
    let last = link.subdomain.rsplit('.').next().unwrap_or("");
    let joined = format!("{last}{}", link.label);
    if let Some(BrandMatch::Embedded { token }) = brands::best_match(&joined) {
        // The brand starts the subdomain's last label and runs on into the owner's label.
        let straddles = !last.is_empty() && token.len() > last.len() && token.starts_with(last);
        if straddles && link.label.starts_with(&token[last.len()..]) {
            s.add(7, format!("splits `{token}` across a dot ({}.{})", last, link.label));
            s.facts.lookalike = true;
        }
    }
}
