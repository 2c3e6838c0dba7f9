//! `/moat setting SECTION KEY VALUE`: a moderator changes one setting for their guild.
//!
//! The change is validated the same way as the configuration file, by
//! `moat_core::Config::from_toml_with`: the file's text ([`crate::BotConfig::config_text`])
//! with every guild's overrides laid over it, key by key (a moderator's change wins over the
//! file's `[guilds."ID"]` tables for the keys it names). A bad value is refused with that
//! validation's message (which names the key); a good one replaces the engine's
//! configuration (the engine task owns the engine, so this runs there) and is stored with its
//! author in the guild's settings history, in the guild-level form `[section]\nkey = value`,
//! so a restart applies it again.
//!
//! Overrides are kept as `(section, key) -> TOML value text`; a value may not span lines,
//! so it cannot open a table of its own.

use moat_core::id::GuildId;
use std::collections::BTreeMap;

use moat_core::Config;

/// Sections a moderator may change.
pub const SECTIONS: &[&str] = &["pressure", "mentions", "raid", "campaign", "scam", "scraper", "escalation", "exempt"];

type GuildOverrides = BTreeMap<(String, String), String>;

/// Every guild's overrides over the file's configuration.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    base: String,
    guilds: BTreeMap<GuildId, GuildOverrides>,
}

/// A guild's overrides as stored: `[section]` tables of `key = value` lines.
pub fn render(o: &GuildOverrides, prefix: &str) -> String {
    let mut out = String::new();
    let mut current = "";
    for ((section, key), value) in o {
        if section != current {
            out += &format!("[{prefix}{section}]\n");
            current = section;
        }
        out += &format!("{key} = {value}\n");
    }
    out
}

/// Reads back what [`render`] wrote.
pub fn parse(text: &str) -> GuildOverrides {
    let mut o = GuildOverrides::new();
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.trim().to_string();
        } else if let Some((k, v)) = line.split_once('=') {
            if !section.is_empty() {
                o.insert((section.clone(), k.trim().to_string()), v.trim().to_string());
            }
        }
    }
    o
}

fn plain_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Overrides {
    pub fn new(base: String) -> Self {
        Self { base, guilds: BTreeMap::new() }
    }

    /// The configuration with every guild's overrides, `guild`'s replaced by `replaced`.
    fn config_with(&self, guild: GuildId, replaced: &GuildOverrides) -> Result<Config, String> {
        let rendered: Vec<(GuildId, String)> = self
            .guilds
            .iter()
            .filter(|(g, _)| **g != guild)
            .map(|(g, o)| (*g, render(o, "")))
            .chain(std::iter::once((guild, render(replaced, ""))))
            .collect();
        let refs: Vec<(GuildId, &str)> = rendered.iter().map(|(g, s)| (*g, s.as_str())).collect();
        Config::from_toml_with(&self.base, &refs).map_err(|e| e.to_string())
    }

    /// Takes a guild's stored overrides (at start-up); the configuration to run with.
    pub fn restore(&mut self, guild: GuildId, stored: &str) -> Result<Config, String> {
        let o = parse(stored);
        let config = self.config_with(guild, &o)?;
        self.guilds.insert(guild, o);
        Ok(config)
    }

    /// Validates one change; on success, the new configuration, and the guild's
    /// overrides to store. Nothing changes until [`Overrides::commit`].
    pub fn try_set(
        &self,
        guild: GuildId,
        section: &str,
        key: &str,
        value: &str,
    ) -> Result<(Config, String, GuildOverridesOut), String> {
        let section = section.trim().to_ascii_lowercase();
        let key = key.trim();
        let value = value.trim();
        if !SECTIONS.contains(&section.as_str()) {
            return Err(format!("No section `{section}`: try {}.", SECTIONS.join(", ")));
        }
        if !plain_key(key) {
            return Err(format!("`{key}` is not a setting name (lowercase letters, digits and _)."));
        }
        if value.is_empty() || value.contains(['\n', '\r']) {
            return Err("The value must be one line (a number, true/false, or \"text\" in quotes).".into());
        }
        let mut o = self.guilds.get(&guild).cloned().unwrap_or_default();
        o.insert((section, key.to_string()), value.to_string());
        let config = self.config_with(guild, &o)?;
        let stored = render(&o, "");
        Ok((config, stored, GuildOverridesOut(o)))
    }

    pub fn commit(&mut self, guild: GuildId, o: GuildOverridesOut) {
        self.guilds.insert(guild, o.0);
    }
}

/// A validated set of a guild's overrides, waiting for [`Overrides::commit`].
#[derive(Debug)]
pub struct GuildOverridesOut(GuildOverrides);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_validated_and_applies_to_its_guild_only() {
        let o = Overrides::new("[pressure]\nlimit = 50.0\n".into());
        let (c, stored, _) = o.try_set(GuildId(7), "pressure", "limit", "80").unwrap();
        assert_eq!(c.for_guild(GuildId(7)).pressure.limit, 80.0);
        assert_eq!(c.for_guild(GuildId(8)).pressure.limit, 50.0);
        assert_eq!(stored, "[pressure]\nlimit = 80\n");
        assert_eq!(parse(&stored).len(), 1);
        let e = o.try_set(GuildId(9), "raid", "raid_mean_suspicion", "2.0").unwrap_err();
        assert!(e.contains("guilds.9.raid.raid_mean_suspicion"), "{e}");
        assert!(o.try_set(GuildId(9), "raid", "bogus", "1").is_err());
        assert!(o.try_set(GuildId(9), "raid", "x", "1\n[pressure]").is_err());
        assert!(o.try_set(GuildId(9), "nope", "x", "1").is_err());
    }

    #[test]
    fn a_change_wins_over_the_files_own_table_for_that_guild() {
        let o = Overrides::new("[guilds.\"7\".pressure]\nlimit = 90.0\nbase = 12.0\n".into());
        let (c, _, _) = o.try_set(GuildId(7), "pressure", "limit", "150").unwrap();
        assert_eq!(c.for_guild(GuildId(7)).pressure.limit, 150.0);
        assert_eq!(c.for_guild(GuildId(7)).pressure.base, 12.0, "the file's other keys stay");
    }
}
