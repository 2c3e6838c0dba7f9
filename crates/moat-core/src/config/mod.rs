//! Every threshold the engine uses, with defaults that work without any file.
//!
//! The settings are grouped by detector. [`Config`] holds the defaults for every guild plus
//! per-guild [`Settings`] built by laying a guild's `[guilds."ID"]` table over the top-level
//! tables (see [`load`]), so a guild only names what it changes. `moat.example.toml` at the
//! root of the repository documents every key; a test checks that it parses to exactly these
//! defaults, so the two cannot drift apart. The file as a whole, with the adapters'
//! sections, is a [`ConfigFile`], read once by the binary.

mod behaviour;
mod fedi;
mod file;
mod ladder;
mod live;
mod load;

use serde::Deserialize;

use crate::id::{GuildId, RoleId, UserId};

pub use behaviour::{BurstSettings, CrossGuildSettings, LureSettings};
pub use fedi::FediConfig;
pub use file::{guild_settings, ConfigFile, GUILD_SECTIONS};
pub use ladder::{Step, StepKind, MAX_TIMEOUT_MS};
pub use live::LiveSettings;
pub use load::{ConfigError, ADAPTER_SECTIONS};

/// How the engine contains a user it has decided to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Containment {
    /// Discord's timeout (`communication_disabled_until`): needs no set-up.
    Timeout,
    /// A silence role (`escalation.silence_role_id`) that the guild denies sending in.
    Silence,
}

/// Sweetie Bot's pressure model and moat's improvements on it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PressureSettings {
    pub enabled: bool,
    /// Pressure every message adds.
    pub base: f32,
    /// Pressure an edit adds instead of `base` (the edited text's weights are added too).
    pub edit_base: f32,
    pub per_attachment: f32,
    /// Per unique user mentioned.
    pub per_mention: f32,
    /// Per role mentioned: a role ping reaches many people.
    pub per_role_mention: f32,
    /// For an `@everyone` or `@here` in the text, whether or not Discord let it ping.
    pub per_everyone: f32,
    /// Per character of text.
    pub per_char: f32,
    pub per_newline: f32,
    /// When a message repeats the user's previous one (after normalisation).
    pub repeat: f32,
    /// Per unusual character: combining marks (zalgo), invisible and control characters.
    pub per_unusual_char: f32,
    /// Per character of a "wall": a long message made of very few distinct glyphs.
    pub per_wall_char: f32,
    /// Pressure above which the user is contained.
    pub limit: f32,
    /// Pressure removed every `decay_secs`.
    pub decay: f32,
    pub decay_secs: f32,
    /// Members of at least this many days (with accounts at least as old) are trusted...
    pub trusted_member_days: u32,
    /// ...and their pressure is multiplied by this.
    pub trusted_factor: f32,
    /// Members who joined less than this many minutes ago, or whose account is younger than
    /// `new_account_days`, are new...
    pub new_member_minutes: u32,
    pub new_account_days: u32,
    /// ...and their pressure is multiplied by this.
    pub new_factor: f32,
    /// On containment, also delete the user's messages of the last this many seconds.
    pub delete_recent_secs: u32,
}

impl Default for PressureSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            base: 10.0,
            edit_base: 5.0,
            per_attachment: 8.33,
            per_mention: 2.5,
            per_role_mention: 5.0,
            per_everyone: 15.0,
            per_char: 0.00625,
            per_newline: 0.714,
            repeat: 10.0,
            per_unusual_char: 0.1,
            per_wall_char: 0.02,
            limit: 60.0,
            decay: 10.0,
            decay_secs: 2.5,
            trusted_member_days: 30,
            trusted_factor: 0.8,
            new_member_minutes: 60,
            new_account_days: 7,
            new_factor: 1.25,
            delete_recent_secs: 10,
        }
    }
}

/// Many unique mentions in one message or across a short window.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MentionSettings {
    pub enabled: bool,
    /// Weighted mentions in one message at which the author is contained.
    pub per_message: u32,
    /// Weighted mentions across `window_secs` at which the author is contained.
    pub per_window: u32,
    pub window_secs: u32,
    /// How many mentions a role mention counts as.
    pub role_weight: u32,
    /// How many mentions an `@everyone` / `@here` counts as.
    pub everyone_weight: u32,
}

impl Default for MentionSettings {
    fn default() -> Self {
        Self { enabled: true, per_message: 12, per_window: 20, window_secs: 60, role_weight: 3, everyone_weight: 5 }
    }
}

/// Join scoring and the raid state machine.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RaidSettings {
    pub enabled: bool,
    /// Short window: a burst of joins.
    pub fast_window_secs: u32,
    pub fast_min_joins: u32,
    /// Long window: a slow raid, trickling in.
    pub slow_window_secs: u32,
    pub slow_min_joins: u32,
    /// Joins in a window must also exceed this many times the guild's usual rate.
    pub rate_factor: f32,
    /// The usual join rate assumed before moat has learned the guild's own.
    pub baseline_joins_per_hour: f32,
    /// Mean suspicion (0..1) of a window's joiners that makes a join spike a raid.
    pub raid_mean_suspicion: f32,
    /// Joiners at or above this suspicion during a raid are raid members.
    pub member_suspicion: f32,
    /// Newcomers behaving like raiders (mass pings, @everyone, same text) that confirm a raid.
    pub hostile_newcomers: u32,
    /// A member is a newcomer for this many minutes after joining.
    pub newcomer_minutes: u32,
    /// The raid ends after this long without a new raid member...
    pub quiet_secs: u32,
    /// ...or after this long in any case.
    pub max_secs: u32,
    /// Lock the guild down while the raid lasts.
    pub lockdown: bool,
    /// How members of a confirmed raid are dealt with: `contain` (the guild's containment
    /// for `contain_secs`), `kick` or `ban`.
    pub action: StepKind,
    /// How long raid members are contained (with `action = "contain"`).
    pub contain_secs: u32,
}

impl Default for RaidSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            fast_window_secs: 60,
            fast_min_joins: 6,
            slow_window_secs: 900,
            slow_min_joins: 12,
            rate_factor: 5.0,
            baseline_joins_per_hour: 10.0,
            raid_mean_suspicion: 0.45,
            member_suspicion: 0.3,
            hostile_newcomers: 3,
            newcomer_minutes: 30,
            quiet_secs: 900,
            max_secs: 6 * 3600,
            lockdown: true,
            action: StepKind::Contain,
            contain_secs: 6 * 3600,
        }
    }
}

/// The same text or link from one account in many channels, or from many new accounts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CampaignSettings {
    pub enabled: bool,
    /// One account, the same message, this many distinct channels...
    pub min_channels: u32,
    /// ...within this many seconds.
    pub channel_window_secs: u32,
    /// Distinct new accounts posting the same message...
    pub min_accounts: u32,
    /// ...within this many seconds.
    pub account_window_secs: u32,
    /// An account younger than this, or a member newer than `raid.newcomer_minutes`, is new.
    pub new_account_days: u32,
    /// Messages without a link or mention must be at least this long (normalised) to count.
    pub min_text_len: u32,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            min_channels: 3,
            channel_window_secs: 60,
            min_accounts: 3,
            account_window_secs: 900,
            new_account_days: 30,
            min_text_len: 40,
        }
    }
}

/// Scam links, judged by the link judge.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScamSettings {
    pub enabled: bool,
    /// Alert moderators about `suspicious` links.
    pub alert_suspicious: bool,
    /// Check edited messages too.
    pub check_edits: bool,
    /// Scams go straight to at least this rung of the ladder (1 = first).
    pub min_step: u32,
}

impl Default for ScamSettings {
    fn default() -> Self {
        Self { enabled: true, alert_suspicious: true, check_edits: true, min_step: 3 }
    }
}

/// Accounts joining many of the protected guilds and never speaking (Spy.pet).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScraperSettings {
    pub enabled: bool,
    /// Joins of distinct protected guilds...
    pub min_guilds: u32,
    /// ...within this many hours, without a message in any of them.
    pub window_hours: u32,
}

impl Default for ScraperSettings {
    fn default() -> Self {
        Self { enabled: true, min_guilds: 4, window_hours: 6 }
    }
}

/// Strikes and the ladder of punishments repeat offenders climb.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EscalationSettings {
    /// Rungs, from the first offence up: `"timeout 10m"`, `"silence 1h"`, `"kick"`, `"ban"`.
    pub ladder: Vec<Step>,
    /// One strike is forgiven every this many hours.
    pub strike_decay_hours: u32,
    pub containment: Containment,
    /// The role given by `containment = "silence"`.
    pub silence_role_id: Option<RoleId>,
}

impl Default for EscalationSettings {
    fn default() -> Self {
        Self {
            ladder: ladder::default_ladder(),
            strike_decay_hours: 24,
            containment: Containment::Timeout,
            silence_role_id: None,
        }
    }
}

/// Who the engine leaves alone.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExemptSettings {
    /// Roles never acted on, besides those with moderator permissions.
    pub roles: Vec<RoleId>,
    /// Users never acted on.
    pub users: Vec<UserId>,
    /// Leave other bots alone.
    pub bots: bool,
}

impl Default for ExemptSettings {
    fn default() -> Self {
        Self { roles: Vec::new(), users: Vec::new(), bots: true }
    }
}

/// Everything one guild's engine needs.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub pressure: PressureSettings,
    pub mentions: MentionSettings,
    pub raid: RaidSettings,
    pub campaign: CampaignSettings,
    pub scam: ScamSettings,
    pub scraper: ScraperSettings,
    pub escalation: EscalationSettings,
    pub exempt: ExemptSettings,
    pub burst: BurstSettings,
    pub cross_guild: CrossGuildSettings,
    pub lure: LureSettings,
    pub live: LiveSettings,
    /// `[fedi]`: the fediverse detectors' thresholds (every Mastodon server).
    pub fedi: FediConfig,
}

/// The default settings and each guild's own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    pub defaults: Settings,
    pub guilds: crate::idmap::IdMap<GuildId, Settings>,
}

impl Config {
    /// The settings in force for a guild.
    pub fn for_guild(&self, guild_id: GuildId) -> &Settings {
        self.guilds.get(&guild_id).unwrap_or(&self.defaults)
    }

    /// Parses and validates a TOML configuration.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        load::parse(text)
    }

    /// Parses and validates a configuration file's text with guilds' own changes laid over
    /// it (`(guild_id, "[section]\nkey = value\n…")`, as moderators' changes are stored).
    pub fn from_toml_with(text: &str, guild_overrides: &[(GuildId, &str)]) -> Result<Self, ConfigError> {
        load::parse_with(text, guild_overrides)
    }
}
