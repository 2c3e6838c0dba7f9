//! The Mastodon branch of `moat replay`: lines sniffed as Mastodon's (webhook bodies,
//! streaming messages) go through moat-mastodon's parser and translation into the same
//! engine, and the actions on the Mastodon server come out as Mastodon-shaped lines
//! (`"platform": "mastodon"`, ids exactly as Mastodon gave them).

use moat_core::{Action, Engine};
use moat_mastodon::translate::{actions, Translator};

/// The server a capture's lines are from (a capture carries no server name).
pub const CAPTURE_SERVER: &str = "mastodon-capture";

/// The Mastodon side of one replay.
pub struct MastodonReplay {
    pub translator: Translator,
    /// Time of the latest Mastodon event, for the lines without one (a `delete`).
    last_ms: u64,
    /// Event kinds the engine does not read, by name.
    pub unused: std::collections::BTreeMap<String, u64>,
}

impl Default for MastodonReplay {
    fn default() -> Self {
        MastodonReplay { translator: Translator::new(CAPTURE_SERVER), last_ms: 0, unused: Default::default() }
    }
}

impl MastodonReplay {
    /// Whether `line` is a Mastodon line (by its shape alone).
    pub fn claims(line: &str) -> bool {
        moat_mastodon::sniff_platform(line) == Some(moat_mastodon::Platform::Mastodon)
    }

    /// Parses one Mastodon line and hands it to the engine; an unreadable one is an error
    /// for the caller to report.
    pub fn line(&mut self, engine: &mut Engine, line: &str, out: &mut Vec<Action>) -> Result<(), String> {
        let event = moat_mastodon::parse_capture_line(line).map_err(|e| e.to_string())?.into_event();
        let ts = event.at_ms.unwrap_or(self.last_ms);
        self.last_ms = self.last_ms.max(ts);
        if !self.translator.handle(engine, &event, ts, out) {
            let name = match &event.kind {
                moat_mastodon::EventKind::Unknown { event, .. } => event.clone(),
                moat_mastodon::EventKind::StatusDeleted(_) => "delete".into(),
                _ => "report.updated".into(),
            };
            *self.unused.entry(name).or_default() += 1;
        }
        Ok(())
    }

    /// Whether an action is on the Mastodon server.
    pub fn owns(&self, a: &Action) -> bool {
        a.guild_id == self.translator.guild
    }

    /// The action's replay lines.
    pub fn lines(&self, a: &Action) -> Vec<serde_json::Value> {
        actions::json_lines(a, &self.translator.ids)
    }
}
