//! The configuration file as a whole, read once.
//!
//! One file configures the engine and the adapters around it. It used to be parsed in four
//! places that drifted apart (a `[discord] # comment` header broke one of them; `[store]`
//! and `[links]` were dropped without a word). Now the binary reads the text once into a
//! [`ConfigFile`]: the engine's sections become a [`Config`], and each adapter's section
//! (`[discord]`, `[store]`, `[links]`, `[mastodon]`) is kept as TOML for the crate that uses
//! it to type with its own serde struct ([`ConfigFile::section`]), refusing unknown keys
//! with the key's whole path. An adapter added later plugs its section in the same way.
//!
//! A moderator's change to one setting of one guild also goes through here
//! ([`Config::with_setting`]), so there is one writer of the guild-level TOML the store keeps.

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::load::ADAPTER_SECTIONS;
use super::{Config, ConfigError, Settings};
use crate::id::GuildId;

/// The file's text, its engine configuration and its adapters' sections.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    text: String,
    engine: Config,
    sections: Table,
}

impl ConfigFile {
    /// Parses and validates `text`: the engine's sections completely, the adapters' as TOML
    /// (each adapter types its own with [`ConfigFile::section`]).
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let engine = Config::from_toml(text)?;
        let mut root: Table = text.parse().map_err(|e: toml::de::Error| ConfigError::new("", e.message()))?;
        let sections = ADAPTER_SECTIONS.iter().filter_map(|s| root.remove(*s).map(|v| (s.to_string(), v))).collect();
        Ok(Self { text: text.to_string(), engine, sections })
    }

    /// The file's text (per-guild changes are laid over it: [`Config::from_toml_with`]).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The engine's configuration.
    pub fn engine(&self) -> &Config {
        &self.engine
    }

    /// Whether the file has the section `[name]`.
    pub fn has_section(&self, name: &str) -> bool {
        self.sections.contains_key(name)
    }

    /// The adapter section `[name]` as TOML, for adapters that check it by hand.
    pub fn section_value(&self, name: &str) -> Option<&Value> {
        self.sections.get(name)
    }

    /// The adapter section `[name]` typed as `T` (whose serde attributes should say
    /// `deny_unknown_fields`), or `T::default()` when the file has none. Errors name the
    /// key's whole path (`discord.alert_chanel`) and the reason.
    pub fn section<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T, ConfigError> {
        debug_assert!(ADAPTER_SECTIONS.contains(&name), "`{name}` is not an adapter section");
        match self.sections.get(name) {
            None => Ok(T::default()),
            Some(v @ Value::Table(_)) => {
                serde_path_to_error::deserialize(v.clone()).map_err(|e| ConfigError::from_serde(&format!("{name}."), e))
            }
            Some(_) => Err(ConfigError::new(name, "must be a table (`[name]` followed by its keys)")),
        }
    }
}

/// The engine's sections, which a moderator may change for their guild.
pub const GUILD_SECTIONS: &[&str] = &[
    "pressure",
    "mentions",
    "raid",
    "campaign",
    "scam",
    "scraper",
    "escalation",
    "exempt",
    "burst",
    "cross_guild",
    "lure",
    "live",
];

impl Config {
    /// One setting of one guild changed: `stored` is the guild's own settings as kept
    /// (guild-level TOML, `[pressure]\nlimit = 80`), `value` the new value as TOML (`80`,
    /// `true`, `"ban"`). Returns the guild's new settings text, checked on its own; the
    /// caller validates it together with the file ([`Config::from_toml_with`]).
    pub fn with_setting(stored: &str, section: &str, key: &str, value: &str) -> Result<String, ConfigError> {
        let section = section.trim().to_ascii_lowercase();
        let key = key.trim();
        let path = format!("{section}.{key}");
        if !GUILD_SECTIONS.contains(&section.as_str()) {
            return Err(ConfigError::new(section, format!("no such section: try {}", GUILD_SECTIONS.join(", "))));
        }
        let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain {
            return Err(ConfigError::new(path, "not a setting name (lowercase letters, digits and _)"));
        }
        let value: Value = format!("v = {}", value.trim())
            .parse::<Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .filter(|_| !value.contains(['\n', '\r']))
            .ok_or_else(|| {
                ConfigError::new(&path, "the value must be one TOML value: a number, true/false, or \"text\"")
            })?;
        let mut table: Table = stored.parse().map_err(|e: toml::de::Error| {
            ConfigError::new("", format!("the stored settings are not TOML: {}", e.message()))
        })?;
        match table.entry(section.clone()).or_insert_with(|| Value::Table(Table::new())) {
            Value::Table(t) => {
                t.insert(key.to_string(), value);
            }
            _ => return Err(ConfigError::new(section, "must be a table")),
        }
        let text = toml::to_string(&table).map_err(|e| ConfigError::new(&path, e.to_string()))?;
        let config = Config::from_toml(&text)?;
        if !config.guilds.is_empty() {
            return Err(ConfigError::new("guilds", "a guild's settings cannot hold `[guilds.*]` tables"));
        }
        Ok(text)
    }

    /// The settings of each guild in `stored` laid over the file, all validated together.
    pub fn with_guilds(file: &ConfigFile, stored: &[(GuildId, &str)]) -> Result<Config, ConfigError> {
        Config::from_toml_with(file.text(), stored)
    }
}

/// A guild's settings on their own (no `[guilds.*]`), as the store keeps them.
pub fn guild_settings(text: &str) -> Result<Settings, ConfigError> {
    let config = Config::from_toml(text)?;
    if !config.guilds.is_empty() {
        return Err(ConfigError::new("guilds", "a guild's settings cannot hold `[guilds.*]` tables"));
    }
    Ok(config.defaults)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Section {
        token: Option<String>,
        alert_channel: Option<u64>,
    }

    #[test]
    fn adapter_sections_are_typed_by_their_owner_with_the_path_of_a_bad_key() {
        let f = ConfigFile::parse("[discord] # the bot\ntoken = \"t\"\n\n[pressure]\nlimit = 70.0\n").unwrap();
        assert_eq!(f.engine().defaults.pressure.limit, 70.0);
        let s: Section = f.section("discord").unwrap();
        assert_eq!(s, Section { token: Some("t".into()), alert_channel: None });
        let none: Section = f.section("store").unwrap();
        assert_eq!(none, Section::default());

        let f = ConfigFile::parse("[discord]\nalert_chanel = 5\n").unwrap();
        let e = f.section::<Section>("discord").unwrap_err();
        assert_eq!(e.path, "discord.alert_chanel", "{e}");
        let f = ConfigFile::parse("[discord]\nalert_channel = \"five\"\n").unwrap();
        let e = f.section::<Section>("discord").unwrap_err();
        assert_eq!(e.path, "discord.alert_channel", "{e}");
        let f = ConfigFile::parse("discord = 3\n").unwrap();
        assert_eq!(f.section::<Section>("discord").unwrap_err().path, "discord");
        assert!(ConfigFile::parse("[discrod]\n").unwrap_err().to_string().contains("discrod"));
    }

    #[test]
    fn one_setting_changes_through_one_writer() {
        let t = Config::with_setting("", "pressure", "limit", "80").unwrap();
        assert_eq!(t, "[pressure]\nlimit = 80\n");
        let t = Config::with_setting(&t, "Raid", "action", "\"ban\"").unwrap();
        let c = Config::from_toml(&t).unwrap();
        assert_eq!((c.defaults.pressure.limit, c.defaults.raid.action), (80.0, super::super::StepKind::Ban));
        let t2 = Config::with_setting(&t, "pressure", "limit", "90.5").unwrap();
        assert_eq!(Config::from_toml(&t2).unwrap().defaults.pressure.limit, 90.5, "a change replaces the old value");
        let e = Config::with_setting(&t, "raid", "raid_mean_suspicion", "2.0").unwrap_err();
        assert_eq!(e.path, "raid.raid_mean_suspicion", "{e}");
        assert_eq!(Config::with_setting("", "raid", "bogus", "1").unwrap_err().path, "raid.bogus");
        assert!(Config::with_setting("", "raid", "x", "1\n[pressure]").is_err());
        assert!(Config::with_setting("", "nope", "x", "1").unwrap_err().reason.contains("try pressure"));
        assert!(Config::with_setting("", "raid", "Bad Key", "1").is_err());
        assert!(Config::with_setting("", "raid", "lockdown", "").is_err());
    }
}
