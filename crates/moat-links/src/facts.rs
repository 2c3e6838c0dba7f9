//! What the checker may be told about a message besides its text: the channel it was posted in
//! (for per-channel settings) and where its links were found to lead (expansions).
//!
//! The engine is pure and does no network, so following a shortened link is not the checker's
//! job: the live bot expands links at the edge (`crate::expand`, feature `expand`), keeps the
//! result with the message (and in a recording, so a replay decides as live did), and passes it
//! here as an [`Expansion`]. A link with a known expansion is judged on its target as well as on
//! itself; a shortener whose target is unknown is judged on the shortener alone.

use crate::lists::DomainSet;

/// Where one link was found to lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The link as posted (any form the checker extracts: `https://bit.ly/3abc`, `bit.ly/3abc`).
    pub url: String,
    /// Where following its redirects ended.
    pub final_url: String,
}

impl Expansion {
    pub fn new(url: impl Into<String>, final_url: impl Into<String>) -> Self {
        Expansion { url: url.into(), final_url: final_url.into() }
    }
}

/// Facts about a message that are not in its text.
#[derive(Debug, Default, Clone, Copy)]
pub struct MessageFacts<'a> {
    /// The channel, for per-channel settings ([`ChannelSettings`]).
    pub channel_id: Option<u64>,
    /// Known expansions of the message's links.
    pub expansions: &'a [Expansion],
}

/// One channel's overrides of the links settings: where trading or crypto links are normal, a
/// server can allow their sites there, block others, or relax heuristic flags.
#[derive(Debug, Default, Clone)]
pub struct ChannelSettings {
    /// Allowed in this channel (wins over everything, like a server's own allowlist).
    pub allow: DomainSet,
    /// Blocked in this channel.
    pub block: DomainSet,
    /// Links the heuristics alone call `suspicious` are `clean` here (reasons kept). A `scam`
    /// verdict and every list still apply.
    pub relaxed: bool,
}

impl ChannelSettings {
    pub fn new<A: AsRef<str>, B: AsRef<str>>(
        allow: impl IntoIterator<Item = A>,
        block: impl IntoIterator<Item = B>,
        relaxed: bool,
    ) -> Self {
        let mut c = ChannelSettings { relaxed, ..ChannelSettings::default() };
        allow.into_iter().for_each(|d| c.allow.insert(d.as_ref()));
        block.into_iter().for_each(|d| c.block.insert(d.as_ref()));
        c
    }
}
