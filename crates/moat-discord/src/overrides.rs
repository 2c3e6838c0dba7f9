//! `/moat setting SECTION KEY VALUE`: a moderator changes one setting for their guild.
//!
//! The change is written by the config's owner, `moat_core::Config::with_setting` (the one
//! writer of the guild-level TOML the store keeps), and validated with the file's text
//! ([`crate::BotConfig::config_text`]) and every guild's settings laid over it
//! (`Config::from_toml_with`: a moderator's change wins over the file's `[guilds."ID"]`
//! tables for the keys it names). A bad value is refused with the message of that
//! validation (which names the key); a good one replaces the engine's configuration (the
//! engine task owns the engine, so this runs there) and is stored with its author in the
//! guild's settings history, so a restart applies it again.

use std::collections::BTreeMap;

use moat_core::id::GuildId;
use moat_core::Config;

/// Sections a moderator may change.
pub const SECTIONS: &[&str] = moat_core::config::GUILD_SECTIONS;

/// Every guild's settings (as stored) over the file's configuration.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    base: String,
    guilds: BTreeMap<GuildId, String>,
}

impl Overrides {
    pub fn new(base: String) -> Self {
        Self { base, guilds: BTreeMap::new() }
    }

    /// The configuration with every guild's settings, `guild`'s replaced by `replaced`.
    fn config_with(&self, guild: GuildId, replaced: &str) -> Result<Config, String> {
        let refs: Vec<(GuildId, &str)> = self
            .guilds
            .iter()
            .filter(|(g, _)| **g != guild)
            .map(|(g, o)| (*g, o.as_str()))
            .chain(std::iter::once((guild, replaced)))
            .collect();
        Config::from_toml_with(&self.base, &refs).map_err(|e| e.to_string())
    }

    /// Takes a guild's stored settings (at start-up); the configuration to run with.
    pub fn restore(&mut self, guild: GuildId, stored: &str) -> Result<Config, String> {
        let config = self.config_with(guild, stored)?;
        self.guilds.insert(guild, stored.to_string());
        Ok(config)
    }

    /// Validates one change; on success, the new configuration, and the guild's settings
    /// to store. Nothing changes until [`Overrides::commit`].
    pub fn try_set(
        &self,
        guild: GuildId,
        section: &str,
        key: &str,
        value: &str,
    ) -> Result<(Config, String, GuildOverridesOut), String> {
        let current = self.guilds.get(&guild).map(String::as_str).unwrap_or("");
        let stored = Config::with_setting(current, section, key, value).map_err(|e| e.to_string())?;
        let config = self.config_with(guild, &stored)?;
        Ok((config, stored.clone(), GuildOverridesOut(stored)))
    }

    pub fn commit(&mut self, guild: GuildId, o: GuildOverridesOut) {
        self.guilds.insert(guild, o.0);
    }
}

/// A validated text of a guild's settings, waiting for [`Overrides::commit`].
#[derive(Debug)]
pub struct GuildOverridesOut(String);

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
        let e = o.try_set(GuildId(9), "raid", "raid_mean_suspicion", "2.0").unwrap_err();
        assert!(e.contains("`raid.raid_mean_suspicion`"), "{e}");
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
