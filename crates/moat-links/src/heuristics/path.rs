//! Signals outside the name: lure paths, masked links, `user@host`, and links that look like
//! the output of a URL shortener nobody has listed (a short domain and a short random path).

use super::{Context, Score};
use crate::brands;
use crate::url::Link;

/// `steamcommunity.com@evil.ru`: a real-looking name before the real host.
pub fn userinfo_signals(link: &Link, ctx: &Context<'_>, s: &mut Score) {
    let Some(user) = &link.userinfo else { return };
    let shown = user.split(':').next().unwrap_or(user).trim_start_matches("www.");
    if user.contains('.') && (ctx.allowed)(shown) {
        s.add(7, format!("shows the real site `{user}@` before the actual host {}", link.host_unicode));
    } else if user.contains('.') {
        s.add(5, format!("shows `{user}@` before the real host {}", link.host_unicode));
    } else {
        s.add(2, "has a user name before the host".into());
    }
    s.facts.deception = true;
}

/// A masked link whose shown text names another domain than the one it opens.
pub fn masked_signals(link: &Link, shown: &str, ctx: &Context<'_>, s: &mut Score) {
    let Some(shown_link) = crate::extract::classify(shown).and_then(|c| crate::url::parse(&c)) else {
        return;
    };
    if shown_link.owner == link.owner {
        return;
    }
    let trusted = (ctx.allowed)(&shown_link.owner);
    s.add(if trusted { 7 } else { 5 }, format!("masked link shows {} but opens {}", shown_link.owner, link.owner));
    s.facts.deception = true;
}

/// Lure paths (`/claim-nitro`), lure words in the path, official domains named in the path.
pub fn path_signals(link: &Link, ctx: &Context<'_>, s: &mut Score) {
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
        s.facts.lure |= specific;
    } else if let Some(w) = ["nitro", "gift", "airdrop", "claim", "giveaway", "free-", "promo", "robux", "vbucks"]
        .iter()
        .find(|w| path.as_bytes().windows(w.len()).any(|x| x == w.as_bytes()))
    {
        s.add(2, format!("lure word `{}` in the path", w.trim_end_matches('-')));
    }
}

/// A short domain with one short random-looking path segment (`xy.io/Ab3dE9`): how shorteners
/// nobody has listed look. Worth a reason and a point, never a verdict.
pub fn looks_shortened(link: &Link) -> bool {
    let label_len = link.label.chars().count();
    let seg = link.path.trim_start_matches('/');
    if label_len > 5 || link.owner.len() > 9 || link.subdomain.contains('.') || seg.is_empty() || seg.len() > 12 {
        return false;
    }
    let b = seg.as_bytes();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    let upper = b.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = b.iter().filter(|c| c.is_ascii_lowercase()).count();
    b.len() >= 4
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
        && ((digits > 0 && upper + lower > 0) || (upper > 0 && lower > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(u: &str) -> Link {
        crate::url::parse(&crate::extract::classify(u).unwrap()).unwrap()
    }

    #[test]
    fn shortener_shapes() {
        assert!(looks_shortened(&link("https://xy.io/Ab3dE9")));
        assert!(looks_shortened(&link("https://qq.gg/aB9x")));
        for u in ["https://xy.io/about", "https://example.com/Ab3dE9", "https://xy.io/", "https://xy.io/a/b3C"] {
            assert!(!looks_shortened(&link(u)), "{u}");
        }
    }
}
