//! Scoring a link that no list knows.
//!
//! Scam domains rotate within days, but what they are made of does not: a protected brand's
//! name, misspelled, split across a dot, or joined to a lure word (`nitro`, `gift`, `claim`,
//! `airdrop`, `verify`); a cheap TLD; a name dressed up as a web address (`www-roblox.com`,
//! `itch.io.ru`); free hosting; a lure path (`/claim-nitro`); a masked link that shows one domain
//! and opens another. Each signal adds points and a human-readable reason; the total decides:
//! [`SUSPICIOUS`] alerts moderators, [`SCAM`] deletes.
//!
//! The weights follow one rule, because fan sites, tools and wikis name brands every day
//! (`steamdb.info`, `twitchtracker.com`, `planetminecraft.com`): **naming a brand is not an
//! accusation**. A brand's name alone on another domain stays clean or at most `suspicious`;
//! `scam` needs a lookalike (typo, homoglyph, a brand split or dressed up), a deception (masked
//! link, `user@host`, a real domain with a foreign suffix), or a brand with lure words on a cheap
//! TLD or free host. A hobby page on a free host that names a brand (`my-discord-bot.herokuapp.com`)
//! is capped below `scam` unless a lure or a deception says more.
//!
//! Modules: [`brand`] (lookalikes and names), [`name`] (lure words, TLDs, generated names,
//! hosting), [`path`] (lure paths, masked links, user info, shortener-like links).

pub mod brand;
pub mod name;
pub mod path;

use crate::url::Link;

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
    /// The learned score over the domain's characters, if the checker has one.
    pub model: Option<&'a crate::model::Model>,
}

/// What the signals established, for the rules that combine them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// A protected brand's name appears as it is (`steam-gift`, `discordjs`).
    pub brand: bool,
    /// The name imitates a brand (typo, homoglyph, split across a dot, dressed up as a URL).
    pub lookalike: bool,
    /// A strong lure word in the name or the path (`nitro`, `claim`, `airdrop`, `verify`).
    pub lure: bool,
    /// The link hides where it goes (masked, `user@host`, percent-encoded host, foreign suffix).
    pub deception: bool,
}

/// Score and reasons of one link.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Score {
    pub points: u32,
    pub reasons: Vec<String>,
    pub facts: Facts,
    /// The lure words found in the name (kept for the learned score, which masks them).
    pub lure_words: Vec<&'static str>,
    max: u32,
}

impl Score {
    pub(crate) fn add(&mut self, points: u32, reason: String) {
        self.points += points;
        self.max = self.max.max(points);
        self.reasons.push(reason);
    }

    /// The largest single signal so far.
    pub fn max_signal(&self) -> u32 {
        self.max
    }
}

/// Scores a link whose owner is on no list.
pub fn score(link: &Link, ctx: &Context<'_>) -> Score {
    let mut s = Score::default();
    if let Some(ip) = link.ip {
        s.add(4, format!("uses a bare IP address ({ip}) instead of a domain"));
        if link.ip_disguised {
            s.add(2, "IP address written in a disguised form to hide it".into());
        }
    } else {
        brand::signals(link, ctx, &mut s);
        name::signals(link, &mut s);
    }
    if link.encoded_host {
        s.add(3, "host is percent-encoded to hide it".into());
        s.facts.deception = true;
    }
    path::userinfo_signals(link, ctx, &mut s);
    if let Some(shown) = &link.shown {
        path::masked_signals(link, shown, ctx, &mut s);
    }
    path::path_signals(link, ctx, &mut s);
    if link.ip.is_none() {
        if let Some(m) = ctx.model {
            m.signals(link, &mut s);
        }
    }
    // A brand's name plus one more weak signal (`fortnite.gg`, `dota2.ru`, `discord.js.org`)
    // is how fan sites look; it takes a signal of weight three or more to flag them.
    let named_only = s.facts.brand && !s.facts.lookalike;
    if named_only && s.points <= SUSPICIOUS && s.max_signal() <= 2 {
        s.points = s.points.min(SUSPICIOUS - 1);
    }
    let f = s.facts;
    if link.hosting && f.brand && !f.lookalike && !f.lure && !f.deception {
        // A hobby page naming a brand on a free host: a moderator may look, nothing is deleted.
        s.points = s.points.min(SCAM - 1);
    }
    s
}

#[cfg(test)]
mod tests;
