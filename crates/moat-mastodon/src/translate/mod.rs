//! The translation between Mastodon and the engine: Mastodon's events into the engine's
//! fediverse events ([`event`]), the engine's actions back into admin API calls and replay
//! lines ([`actions`]), with string ids mapped both ways ([`IdBook`]).
//!
//! [`Translator`] holds the one server's id book and its [`GuildId`]: the live server, `moat
//! replay` and the tests all go through it, so they take one decision path.

pub mod actions;
pub mod event;
mod ids;
pub mod record;

use moat_core::id::GuildId;
use moat_core::{Action, Engine};

pub use ids::IdBook;

use crate::model::Event;

/// The engine's id for a Mastodon server (an FNV-1a hash of its address, kept to 53 bits so
/// it survives JSON numbers).
pub fn guild_of(server: &str) -> GuildId {
    let s = server.trim().trim_end_matches('/').to_ascii_lowercase();
    let s = s.trim_start_matches("https://").trim_start_matches("http://");
    GuildId((moat_core::hash::fnv1a(s.as_bytes()) >> 11).max(1))
}

/// One server's translation state.
#[derive(Debug, Clone)]
pub struct Translator {
    pub guild: GuildId,
    pub ids: IdBook,
}

impl Translator {
    pub fn new(server: &str) -> Translator {
        Translator { guild: guild_of(server), ids: IdBook::default() }
    }

    /// Hands one Mastodon event to the engine at its own time (or `fallback_ms` for an event
    /// without one); returns whether the engine reads its kind.
    pub fn handle(&mut self, engine: &mut Engine, e: &Event, fallback_ms: u64, out: &mut Vec<Action>) -> bool {
        let ts = e.at_ms.unwrap_or(fallback_ms);
        match event::translate(self.guild, &mut self.ids, &e.kind) {
            Some(ev) => {
                engine.handle(ts, &ev, out);
                true
            }
            None => {
                engine.advance(ts, out);
                false
            }
        }
    }
}
