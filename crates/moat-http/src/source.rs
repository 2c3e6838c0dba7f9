//! What the dashboard needs from the bot, and nothing more.
//!
//! moat-cli, moat-discord and moat-core change under this crate all the time; the dashboard
//! stays put behind this small interface. `moat run` and `moat demo` implement
//! [`BotControl`] over the running bot (its engine task answers [`BotControl::snapshot`], its
//! executor performs an undo), tests implement it with a few lines over a fake, and a
//! cluster member implements it by forwarding to the process that holds the guild's shard.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use moat_core::id::{GuildId, IncidentId, UserId};
use moat_core::Action;
use moat_store::Store;
use tokio::sync::broadcast;

/// A guild moat is in, as the bot sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildInfo {
    pub id: GuildId,
    pub name: String,
    /// Roles the guild names as moat's moderators: holding one opens the dashboard too.
    pub moderator_roles: Vec<u64>,
}

/// The state a guild is in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GuildMode {
    #[default]
    Normal,
    /// A raid is going on; the lockdown (if any) is in force until `until` (unix ms).
    Raid { until: Option<u64> },
    /// Locked down (by a raid that ended or by a moderator) until `until`.
    Lockdown { until: Option<u64> },
}

impl GuildMode {
    pub fn name(self) -> &'static str {
        match self {
            GuildMode::Normal => "normal",
            GuildMode::Raid { .. } => "raid",
            GuildMode::Lockdown { .. } => "lockdown",
        }
    }

    pub fn until(self) -> Option<u64> {
        match self {
            GuildMode::Normal => None,
            GuildMode::Raid { until } | GuildMode::Lockdown { until } => until,
        }
    }
}

/// A member under pressure (the flood model's score), highest first in a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Pressured {
    pub user: UserId,
    pub name: String,
    pub pressure: f32,
    pub limit: f32,
}

/// A guild's live state, from the engine.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuildSnapshot {
    pub mode: GuildMode,
    /// At most ten, highest first.
    pub pressure: Vec<Pressured>,
}

/// Something that happened, as it happened.
#[derive(Debug, Clone)]
pub struct Live {
    pub guild: GuildId,
    /// Unix ms.
    pub ts: u64,
    pub kind: LiveKind,
}

#[derive(Debug, Clone)]
pub enum LiveKind {
    /// An event of this type reached the engine (`message`, `join`, ...).
    Event(&'static str),
    /// The engine decided this.
    Action(Arc<Action>),
    /// The guild's state changed (raid began, lockdown lifted): pages reload their state.
    State,
    /// An incident was undone from the dashboard or a command.
    Undone { incident: IncidentId, by: String },
}

/// Who asked, for the audit-log reason and the incident's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderator {
    pub id: u64,
    pub name: String,
}

impl Moderator {
    /// `name (id)`, as audit-log reasons and histories show a moderator.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.id)
    }
}

/// What the bot does for the dashboard. Every method is for one guild the caller has
/// already checked the moderator may act in.
pub trait BotControl: Send + Sync + 'static {
    /// The guilds moat is in now.
    fn guilds(&self) -> Vec<GuildInfo>;
    /// The roles a member holds in a guild (for the guild's moderator roles); empty when
    /// unknown.
    fn member_roles(&self, _guild: GuildId, _user: u64) -> Vec<u64> {
        Vec::new()
    }
    /// The guild's state now; `None` when moat is not in it.
    fn snapshot(&self, guild: GuildId) -> Option<GuildSnapshot>;
    /// Undoes an incident through the bot's executor (unbans, timeouts and silences lifted,
    /// lockdown ended), with `by` named in each audit-log reason, and records it in the
    /// store. Returns what was done, one line a step; an error in words (already undone...).
    fn undo(
        &self,
        guild: GuildId,
        incident: IncidentId,
        by: Moderator,
    ) -> BoxFuture<'static, Result<Vec<String>, String>>;
    /// Changes one setting, validated as the configuration file is (an error names the key
    /// and the reason), applied to the engine and stored with `by` in the history.
    fn set_setting(
        &self,
        guild: GuildId,
        section: String,
        key: String,
        value: String,
        by: Moderator,
    ) -> BoxFuture<'static, Result<String, String>>;
    /// The configuration file's text (the defaults every guild starts from), never a secret:
    /// the file's secrets live outside the sections a guild may see.
    fn config_text(&self) -> String {
        String::new()
    }
}

/// Everything the dashboard reads.
#[derive(Clone)]
pub struct Sources {
    pub store: Store,
    pub live: broadcast::Sender<Live>,
    pub bot: Arc<dyn BotControl>,
    /// Where `moat run --record DIR` keeps each guild's traffic
    /// (`DIR/<guild id>/<YYYY-MM-DD>.jsonl`): the settings page's "try it on the last day".
    pub recordings: Option<std::path::PathBuf>,
}

impl Sources {
    pub fn new(store: Store, bot: Arc<dyn BotControl>) -> Sources {
        let (live, _) = broadcast::channel(4096);
        Sources { store, live, bot, recordings: None }
    }

    /// The same, with recorded traffic to try settings on.
    pub fn with_recordings(mut self, dir: Option<std::path::PathBuf>) -> Sources {
        self.recordings = dir;
        self
    }
}
