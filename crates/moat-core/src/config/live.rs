//! How the live bot acts in a guild: settings the engine carries for the adapters (so they
//! sit in a guild's `[guilds."ID".live]` table and `/moat setting live ...` changes them like
//! any other), but never reads itself: it decides the same either way.

use serde::Deserialize;

/// `[live]`: a guild's dry run and recording.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveSettings {
    /// Decide as usual, but only alert: each alert says what moat would have done, and no
    /// message is deleted, no member timed out, silenced, kicked or banned, no lockdown.
    pub dry_run: bool,
    /// Keep this guild's gateway traffic as daily captures (with `moat run --record DIR`),
    /// so that a day can be replayed with other settings. Off unless the guild opts in.
    pub record: bool,
}
