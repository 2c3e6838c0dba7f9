//! Reading `moat.toml`: defaults, per-guild overrides laid over them, and validation that
//! names the bad key and why.

use toml::{Table, Value};

use super::{Config, Settings};
use crate::id::GuildId;

/// A configuration that cannot be used: the key at fault (its whole path, such as
/// `guilds.9.raid.raid_mean_suspicion`; empty for the file as a whole) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", if path.is_empty() { String::new() } else { format!("`{path}`: ") })]
pub struct ConfigError {
    pub path: String,
    pub reason: String,
}

impl ConfigError {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { path: path.into(), reason: reason.into() }
    }

    /// A serde error met while typing the table at `prefix` (`""`, `guilds.7.`, `discord.`),
    /// named by the full path of the key at fault.
    pub fn from_serde(prefix: &str, e: serde_path_to_error::Error<toml::de::Error>) -> Self {
        let inner = e.path().to_string();
        let path = format!("{prefix}{}", if inner == "." { "" } else { inner.as_str() });
        let reason = e.into_inner().message().trim().to_string();
        Self::new(path.trim_end_matches('.'), reason)
    }
}

/// Top-level sections the engine leaves to adapters: each is typed by the crate that uses
/// it, through [`super::ConfigFile::section`].
pub const ADAPTER_SECTIONS: &[&str] = &["discord", "store", "links", "mastodon", "http", "cluster"];

pub(super) fn parse(text: &str) -> Result<Config, ConfigError> {
    parse_with(text, &[])
}

/// The file's text, with more guild overrides laid over it: each is guild-level TOML
/// (`[pressure]\nlimit = 80.0`), as a moderator's changes are stored. Overrides merge into
/// any `[guilds."ID"]` tables the file already has, key by key, and win over them.
pub(super) fn parse_with(text: &str, overrides: &[(GuildId, &str)]) -> Result<Config, ConfigError> {
    let mut root: Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::new("", format!("not valid TOML: {}", e.to_string().trim())))?;
    for &(gid, extra) in overrides {
        let extra: Table = extra.parse().map_err(|e: toml::de::Error| {
            ConfigError::new(
                format!("guilds.{gid}"),
                format!("guild {gid}'s settings are not valid TOML: {}", e.message()),
            )
        })?;
        let guilds = root.entry("guilds").or_insert_with(|| Value::Table(Table::new()));
        let Value::Table(guilds) = guilds else {
            return Err(ConfigError::new("guilds", "must be a table of `[guilds.\"ID\"]` sections"));
        };
        match guilds.entry(gid.to_string()).or_insert_with(|| Value::Table(Table::new())) {
            Value::Table(g) => merge(g, extra),
            _ => return Err(ConfigError::new(format!("guilds.{gid}"), "must be a table")),
        }
    }
    let guilds = match root.remove("guilds") {
        None => Table::new(),
        Some(Value::Table(t)) => t,
        Some(_) => return Err(ConfigError::new("guilds", "must be a table of `[guilds.\"ID\"]` sections")),
    };
    // Sections that belong to adapters (the Discord bot, the store, link feeds, Mastodon)
    // sit in the same file; they type their own keys (`ConfigFile::section`).
    for adapter in ADAPTER_SECTIONS {
        root.remove(*adapter);
    }
    let defaults = settings_from(root.clone(), "")?;
    let mut config = Config { defaults, guilds: Default::default() };
    for (key, value) in guilds {
        let id: u64 = key
            .parse()
            .ok()
            .filter(|&id| id > 0)
            .ok_or_else(|| ConfigError::new(format!("guilds.{key}"), "a guild is named by its numeric id"))?;
        let Value::Table(overrides) = value else {
            return Err(ConfigError::new(format!("guilds.{key}"), "must be a table"));
        };
        let mut merged = root.clone();
        merge(&mut merged, overrides);
        config.guilds.insert(GuildId(id), settings_from(merged, &format!("guilds.{key}."))?);
    }
    Ok(config)
}

/// Lays `over` onto `base`, table by table, so an override names only what it changes.
fn merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

fn settings_from(table: Table, prefix: &str) -> Result<Settings, ConfigError> {
    let settings: Settings =
        serde_path_to_error::deserialize(Value::Table(table)).map_err(|e| ConfigError::from_serde(prefix, e))?;
    validate(&settings).map_err(|(key, why)| ConfigError::new(format!("{prefix}{key}"), why))?;
    Ok(settings)
}

type Invalid = (&'static str, String);

fn positive(key: &'static str, v: f32) -> Result<(), Invalid> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err((key, format!("must be a number above 0 (got {v})")))
    }
}

fn non_negative(key: &'static str, v: f32) -> Result<(), Invalid> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err((key, format!("must be 0 or more (got {v})")))
    }
}

fn at_least(key: &'static str, v: u32, min: u32) -> Result<(), Invalid> {
    if v >= min {
        Ok(())
    } else {
        Err((key, format!("must be at least {min} (got {v})")))
    }
}

fn fraction(key: &'static str, v: f32) -> Result<(), Invalid> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err((key, format!("must be between 0 and 1 (got {v})")))
    }
}

/// Checks what serde cannot: ranges and keys that depend on each other.
pub(crate) fn validate(s: &Settings) -> Result<(), Invalid> {
    s.fedi.validate()?;
    let p = &s.pressure;
    for (key, v) in [
        ("pressure.base", p.base),
        ("pressure.edit_base", p.edit_base),
        ("pressure.per_attachment", p.per_attachment),
        ("pressure.per_mention", p.per_mention),
        ("pressure.per_role_mention", p.per_role_mention),
        ("pressure.per_everyone", p.per_everyone),
        ("pressure.per_char", p.per_char),
        ("pressure.per_newline", p.per_newline),
        ("pressure.repeat", p.repeat),
        ("pressure.per_unusual_char", p.per_unusual_char),
        ("pressure.per_wall_char", p.per_wall_char),
    ] {
        non_negative(key, v)?;
    }
    positive("pressure.limit", p.limit)?;
    positive("pressure.decay", p.decay)?;
    positive("pressure.decay_secs", p.decay_secs)?;
    positive("pressure.trusted_factor", p.trusted_factor)?;
    positive("pressure.new_factor", p.new_factor)?;

    let m = &s.mentions;
    at_least("mentions.per_message", m.per_message, 2)?;
    at_least("mentions.per_window", m.per_window, 2)?;
    at_least("mentions.window_secs", m.window_secs, 1)?;

    let r = &s.raid;
    at_least("raid.fast_window_secs", r.fast_window_secs, 1)?;
    at_least("raid.fast_min_joins", r.fast_min_joins, 2)?;
    at_least("raid.slow_min_joins", r.slow_min_joins, 2)?;
    if r.slow_window_secs < r.fast_window_secs {
        return Err(("raid.slow_window_secs", "must not be shorter than raid.fast_window_secs".into()));
    }
    positive("raid.rate_factor", r.rate_factor)?;
    positive("raid.baseline_joins_per_hour", r.baseline_joins_per_hour)?;
    fraction("raid.raid_mean_suspicion", r.raid_mean_suspicion)?;
    fraction("raid.member_suspicion", r.member_suspicion)?;
    at_least("raid.hostile_newcomers", r.hostile_newcomers, 1)?;
    at_least("raid.quiet_secs", r.quiet_secs, 1)?;
    if r.max_secs < r.quiet_secs {
        return Err(("raid.max_secs", "must not be shorter than raid.quiet_secs".into()));
    }
    if r.max_secs > 86_400 {
        return Err(("raid.max_secs", "a lockdown lasts at most 24 h (Discord's limit on paused invites)".into()));
    }
    at_least("raid.contain_secs", r.contain_secs, 1)?;
    if u64::from(r.contain_secs) * 1000 > super::ladder::MAX_TIMEOUT_MS {
        return Err(("raid.contain_secs", "a timeout lasts at most 28 days".into()));
    }

    let c = &s.campaign;
    at_least("campaign.min_channels", c.min_channels, 2)?;
    at_least("campaign.min_accounts", c.min_accounts, 2)?;
    at_least("campaign.channel_window_secs", c.channel_window_secs, 1)?;
    at_least("campaign.account_window_secs", c.account_window_secs, 1)?;

    let e = &s.escalation;
    if e.ladder.is_empty() {
        return Err(("escalation.ladder", "needs at least one rung".into()));
    }
    if s.scam.min_step == 0 || s.scam.min_step as usize > e.ladder.len() {
        return Err((
            "scam.min_step",
            format!("must name a rung between 1 and {} (the ladder's length)", e.ladder.len()),
        ));
    }
    at_least("escalation.strike_decay_hours", e.strike_decay_hours, 1)?;
    if e.containment == super::Containment::Silence && e.silence_role_id.is_none() {
        return Err(("escalation.silence_role_id", "is needed when containment = \"silence\"".into()));
    }
    at_least("scraper.min_guilds", s.scraper.min_guilds, 2)?;
    at_least("scraper.window_hours", s.scraper.window_hours, 1)?;
    at_least("burst.min_members", s.burst.min_members, 2)?;
    at_least("burst.window_secs", s.burst.window_secs, 1)?;
    at_least("cross_guild.min_guilds", s.cross_guild.min_guilds, 2)?;
    at_least("cross_guild.window_secs", s.cross_guild.window_secs, 1)?;
    for (key, step) in [("cross_guild.min_step", s.cross_guild.min_step), ("lure.min_step", s.lure.min_step)] {
        if step == 0 || step as usize > e.ladder.len() {
            return Err((key, format!("must name a rung between 1 and {} (the ladder's length)", e.ladder.len())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::id::{GuildId, RoleId};

    #[test]
    fn empty_file_is_the_defaults() {
        let c = Config::from_toml("").unwrap();
        assert_eq!(c.defaults, Settings::default());
        assert!(c.guilds.is_empty());
    }

    #[test]
    fn guild_overrides_lay_over_top_level_values() {
        let c = Config::from_toml(
            r#"
            [pressure]
            limit = 80.0
            base = 12.0
            [guilds."42".pressure]
            limit = 100.0
            [guilds."42".raid]
            action = "ban"
            "#,
        )
        .unwrap();
        assert_eq!(c.for_guild(GuildId(1)).pressure.limit, 80.0);
        let g = c.for_guild(GuildId(42));
        assert_eq!(g.pressure.limit, 100.0);
        assert_eq!(g.pressure.base, 12.0, "unnamed keys keep the top-level value");
        assert_eq!(g.raid.action, StepKind::Ban);
        assert_eq!(c.for_guild(GuildId(1)).raid.action, StepKind::Contain);
    }

    #[test]
    fn guild_overrides_merge_into_the_files_guild_tables() {
        let file = "[pressure]\nlimit = 70.0\n[guilds.\"5\".pressure]\nlimit = 90.0\nbase = 11.0\n";
        let c = Config::from_toml_with(
            file,
            &[(GuildId(5), "[pressure]\nlimit = 120.0\n"), (GuildId(6), "[raid]\naction = \"ban\"\n")],
        )
        .unwrap();
        assert_eq!(c.for_guild(GuildId(5)).pressure.limit, 120.0, "the override wins");
        assert_eq!(c.for_guild(GuildId(5)).pressure.base, 11.0, "the file's other keys for the guild stay");
        assert_eq!(c.for_guild(GuildId(6)).raid.action, StepKind::Ban);
        assert_eq!(c.for_guild(GuildId(7)).pressure.limit, 70.0);
        let e = Config::from_toml_with(file, &[(GuildId(5), "[pressure]\nlimit = -3.0\n")]).unwrap_err().to_string();
        assert!(e.contains("`guilds.5.pressure.limit`"), "{e}");
        assert!(Config::from_toml_with(file, &[(GuildId(5), "[pressure\n")])
            .unwrap_err()
            .to_string()
            .contains("guild 5"));
    }

    #[test]
    fn adapter_sections_are_left_to_adapters() {
        let c = Config::from_toml("[discord]\ntoken_env = \"X\"\n[store]\nurl = \"y\"\n[pressure]\nlimit = 70.0\n")
            .unwrap();
        assert_eq!(c.defaults.pressure.limit, 70.0);
        assert!(Config::from_toml("[discrod]\nx = 1\n").unwrap_err().to_string().contains("discrod"));
    }

    #[test]
    fn unknown_key_is_named() {
        let e = Config::from_toml("[pressure]\nlimt = 3.0\n").unwrap_err();
        assert_eq!(e.path, "pressure.limt", "{e}");
        assert!(e.to_string().starts_with("`pressure.limt`: unknown field `limt`"), "{e}");
        let e = Config::from_toml("[guilds.\"7\".raid]\nbogus = 1\n").unwrap_err();
        assert_eq!(e.path, "guilds.7.raid.bogus", "{e}");
        let e = Config::from_toml("[raid]\nfast_min_joins = \"six\"\n").unwrap_err();
        assert_eq!(e.path, "raid.fast_min_joins", "{e}");
        assert!(e.reason.contains("invalid type"), "{e}");
        let e = Config::from_toml("[escalation]\nladder = [\"kick\", 3]\n").unwrap_err();
        assert_eq!(e.path, "escalation.ladder[1]", "{e}");
    }

    #[test]
    fn bad_values_are_named_with_the_reason() {
        let e = Config::from_toml("[pressure]\nlimit = -1.0\n").unwrap_err().to_string();
        assert!(e.contains("`pressure.limit`") && e.contains("above 0"), "{e}");
        let e = Config::from_toml("[guilds.\"9\".raid]\nraid_mean_suspicion = 2.0\n").unwrap_err().to_string();
        assert!(e.contains("`guilds.9.raid.raid_mean_suspicion`"), "{e}");
        let e = Config::from_toml("[escalation]\ncontainment = \"silence\"\n").unwrap_err().to_string();
        assert!(e.contains("silence_role_id"), "{e}");
        let c = Config::from_toml("[escalation]\ncontainment = \"silence\"\nsilence_role_id = 77\n").unwrap();
        assert_eq!(c.defaults.escalation.silence_role_id, Some(RoleId(77)), "ids may be TOML integers");
        let e = Config::from_toml("[escalation]\nladder = [\"timeout 5x\"]\n").unwrap_err().to_string();
        assert!(e.contains("5x"), "{e}");
        let e = Config::from_toml("[guilds.abc]\n").unwrap_err().to_string();
        assert!(e.contains("numeric id"), "{e}");
        let e = Config::from_toml("[raid]\nfast_min_joins = \"six\"\n").unwrap_err().to_string();
        assert!(e.contains("fast_min_joins") || e.contains("invalid type"), "{e}");
    }

    #[test]
    fn example_file_documents_exactly_the_defaults() {
        let text = include_str!("../../../../moat.example.toml");
        let c = Config::from_toml(text).expect("moat.example.toml parses");
        assert_eq!(c.defaults, Settings::default());
    }
}
