//! The configuration file, read once for the whole process.
//!
//! `--config FILE` is read here and nowhere else: the engine's sections become
//! `moat_core::Config`, and each adapter's section is typed by the crate that uses it
//! (`[discord]` by moat-discord, `[store]` by moat-store, `[links]` by moat-links,
//! `[mastodon]` by moat-mastodon, `[http]` by moat-http, `[cluster]` by moat-cluster). Every section is checked whichever command runs, so a
//! typo in `[store]` stops `moat replay` as surely as `moat run`: nothing in the file is
//! dropped without a word.

use std::path::Path;

use moat_cluster::ClusterSettings;
use moat_core::{Config, ConfigFile, LinkJudge};
use moat_discord::config::DiscordSection;
use moat_links::config::LinksSection;
use moat_mastodon::config::MastodonConfig;
use moat_store::config::StoreSection;

/// The file, every section typed.
#[derive(Debug, Default)]
pub struct Loaded {
    pub file: ConfigFile,
    pub discord: DiscordSection,
    pub store: StoreSection,
    pub links: LinksSection,
    pub mastodon: Option<MastodonConfig>,
    /// `[http]`, typed by moat-http: present only when the file has the section.
    pub http: Option<moat_http::HttpConfig>,
    pub cluster: ClusterSettings,
}

impl Loaded {
    /// The engine's configuration.
    pub fn engine(&self) -> Config {
        self.file.engine().clone()
    }

    /// The link judge: the bundled lists with the `[links]` section's additions.
    pub fn judge(&self) -> Result<Box<dyn LinkJudge>, String> {
        if self.links == LinksSection::default() {
            return Ok(crate::judge::default_judge());
        }
        let checker = self.links.builder().build().map_err(|e| format!("[links]: cannot read a list file: {e}"))?;
        Ok(Box::new(checker))
    }

    /// The store to use: `given` (`--database`), else `MOAT_DATABASE`, else `[store] url`,
    /// else `moat.db` here.
    pub fn database(&self, given: Option<&str>) -> String {
        let env = std::env::var(moat_store::backend::ENV_VAR).ok().filter(|v| !v.trim().is_empty());
        let chosen = given.map(str::to_string).or(env).or_else(|| self.store.url.clone());
        moat_store::resolve_url(chosen.as_deref())
    }
}

/// Reads `path` (or nothing: every default) and types every section; the error names the
/// file, the key's path and the reason.
pub fn load(path: Option<&Path>) -> Result<Loaded, String> {
    let Some(path) = path else { return Ok(Loaded::default()) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The text of a config file, every section typed.
pub fn parse(text: &str) -> Result<Loaded, String> {
    let file = ConfigFile::parse(text).map_err(|e| e.to_string())?;
    let discord = file.section::<DiscordSection>("discord").map_err(|e| e.to_string())?;
    let store = file.section::<StoreSection>("store").map_err(|e| e.to_string())?;
    store.validate().map_err(|(key, why)| format!("`{key}`: {why}"))?;
    let links = file.section::<LinksSection>("links").map_err(|e| e.to_string())?;
    let mastodon = match file.section_value("mastodon") {
        None => None,
        Some(v) => Some(MastodonConfig::from_toml_value(v).map_err(|e| e.to_string())?),
    };
    let http = match file.section_value("http") {
        None => None,
        Some(_) => {
            let mut h = file.section::<moat_http::HttpConfig>("http").map_err(|e| e.to_string())?;
            if h.client_secret.is_empty() {
                h.client_secret = std::env::var("MOAT_HTTP_CLIENT_SECRET").unwrap_or_default();
            }
            h.check().map_err(|e| format!("[http]: {e}"))?;
            Some(h)
        }
    };
    let cluster = file.section::<ClusterSettings>("cluster").map_err(|e| e.to_string())?;
    cluster.validate().map_err(|e| e.to_string())?;
    Ok(Loaded { file, discord, store, links, mastodon, http, cluster })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_is_typed_and_none_is_dropped() {
        let l = parse(
            "[discord] # the bot\ntoken = \"t\"\nalert_channel = \"42\"\n\n[store]\nurl = \"x.db\"\n\
             [links]\nblock = [\"bad.example\"]\n[raid]\naction = \"ban\"\n",
        )
        .unwrap();
        assert_eq!(l.discord.token.as_deref(), Some("t"));
        assert_eq!(l.discord.alert_channel, Some(moat_core::id::ChannelId(42)));
        assert_eq!(l.store.url.as_deref(), Some("x.db"));
        assert_eq!(l.links.block, ["bad.example"]);
        assert_eq!(l.engine().defaults.raid.action, moat_core::config::StepKind::Ban);
        for (text, path) in [
            ("[discord]\nnope = 1\n", "`discord.nope`"),
            ("[store]\nulr = \"x\"\n", "`store.ulr`"),
            ("[store]\nurl = \"mysql://x\"\n", "`store.url`"),
            ("[links]\nblocklist = []\n", "`links.blocklist`"),
            ("[mastodon]\nserver = 1\n", "`mastodon.server`"),
            ("[discrod]\ntoken = \"t\"\n", "discrod"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains(path), "{text}: {e}");
        }
    }

    #[test]
    fn the_database_comes_from_the_flag_then_the_file() {
        let l = parse("[store]\nurl = \"sqlite://from-file.db\"\n").unwrap();
        if std::env::var(moat_store::backend::ENV_VAR).is_err() {
            assert!(l.database(None).contains("from-file.db"));
        }
        assert!(l.database(Some("flag.db")).contains("flag.db"));
    }
}
