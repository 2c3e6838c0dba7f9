//! Settings of the detectors that judge what accounts do together (issue 9): behaviour
//! bursts, cross-guild campaigns and lure text. Kept apart from [`super`]'s older sections so
//! each detector's knobs sit in one small place.

use serde::Deserialize;

/// A join burst whose members act together ([`crate::detect::burst`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BurstSettings {
    pub enabled: bool,
    /// Distinct members of one join burst posting under one key (text, link, invite, mass
    /// ping) that confirm a raid...
    pub min_members: u32,
    /// ...within this many seconds.
    pub window_secs: u32,
    /// Letters a post with a link, an invite or a mass ping needs for its text to count.
    pub min_text_len: u32,
    /// Letters a post without any needs for its text to count: greetings never do.
    pub long_text_len: u32,
    /// Contain silent burst members who match those who acted in two signs of three (name
    /// shape, account creation cluster, no avatar); otherwise only list them in the alert.
    pub contain_silent: bool,
}

impl Default for BurstSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            min_members: 5,
            window_secs: 300,
            min_text_len: 8,
            long_text_len: 40,
            contain_silent: true,
        }
    }
}

/// One account posting the same thing into several protected guilds
/// ([`crate::detect::crossguild`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrossGuildSettings {
    pub enabled: bool,
    /// Distinct protected guilds the same link or text reaches...
    pub min_guilds: u32,
    /// ...within this many seconds.
    pub window_secs: u32,
    /// Name the other guilds hit in alerts (only when every guild opted in); by default
    /// they are counted, not named.
    pub name_guilds: bool,
    /// The rung of the ladder a confirmed campaign contains at (1-based).
    pub min_step: u32,
}

impl Default for CrossGuildSettings {
    fn default() -> Self {
        Self { enabled: true, min_guilds: 3, window_secs: 600, name_guilds: false, min_step: 3 }
    }
}

/// Lure text ("verify here or lose access") as a signal ([`crate::detect::lure`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LureSettings {
    pub enabled: bool,
    /// A lure with a link the judge does not trust, from a newcomer (joined less than
    /// `raid.newcomer_minutes` ago or an account younger than `new_account_days`), is
    /// deleted and its author contained.
    pub new_account_days: u32,
    /// The rung of the ladder a lure contains at (1-based).
    pub min_step: u32,
}

impl Default for LureSettings {
    fn default() -> Self {
        Self { enabled: true, new_account_days: 7, min_step: 3 }
    }
}
