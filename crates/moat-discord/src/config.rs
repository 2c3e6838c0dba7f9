//! How the bot is set up: token, shards, where Discord is, where alerts go.
//!
//! The token is kept out of `Debug` output so that it can never reach a log by accident.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use moat_clock::Clock;
use serde::Deserialize;

/// The `[discord]` section of the config file, typed here because this crate uses it (the
/// binary reads the file once: `moat_core::ConfigFile::section("discord")`).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordSection {
    /// The bot token (better: the DISCORD_TOKEN environment variable).
    pub token: Option<String>,
    /// The moderators' channel for alerts (a channel id, number or string).
    pub alert_channel: Option<moat_core::id::ChannelId>,
    /// Also append every action, with its evidence, to this file.
    pub evidence: Option<PathBuf>,
    /// A moderators' role pinged once, on each incident's first alert (no one else is pinged).
    pub ping_role: Option<moat_core::id::RoleId>,
    /// Record the guilds that opted in (`live.record`) into this directory (`--record`).
    pub record_dir: Option<PathBuf>,
    /// Days a recorded day is kept (7 by default).
    pub record_days: Option<u32>,
}

impl fmt::Debug for DiscordSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscordSection")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("alert_channel", &self.alert_channel)
            .field("evidence", &self.evidence)
            .finish()
    }
}

/// Everything the live adapter needs besides the engine.
#[derive(Clone)]
pub struct BotConfig {
    pub token: String,
    /// The shards this process runs (`--shards A..B`).
    pub shards: Range<u32>,
    /// All shards of the bot (`--total-shards N`).
    pub total_shards: u32,
    /// A gateway to use instead of Discord's (`ws://127.0.0.1:PORT` for the fake, `wss://…`
    /// over TLS).
    pub gateway_url: Option<String>,
    /// A REST endpoint instead of `https://discord.com`: `127.0.0.1:PORT` is plain HTTP (the
    /// fake), `https://HOST:PORT` TLS (see [`crate::http_client`]).
    pub rest_proxy: Option<String>,
    /// The moderators' channel for alerts; when unset, a channel named like `mod-log` is used.
    pub alert_channel: Option<moat_core::id::ChannelId>,
    /// A role to ping once, on an incident's first alert (say, `@Moderators`); alerts
    /// name members as mentions but never ping them, nor anyone else.
    pub ping_role: Option<moat_core::id::RoleId>,
    /// Where every action is appended as a JSON line with its evidence, as it is decided.
    pub evidence_path: Option<PathBuf>,
    pub clock: Clock,
    /// A raid's gathering ban batch (see `exec::bans`) is sent once no raider has joined it
    /// for this long, on the wall clock: the raid has paused.
    pub ban_batch_ms: u64,
    /// ... and at the latest once it has gathered this long on the bot's clock (`bulk-ban`
    /// takes 200 a call; a minute-long raid costs about one call per this much).
    pub ban_gather_ms: u64,
    /// How often an incident's alert may be edited.
    pub alert_edit_ms: u64,
    /// Skip the identify queue's 5 s spacing (only for a local fake).
    pub fast_identify: bool,
    /// Keywords of the AutoMod scam rule moat keeps in each guild (see [`crate::automod`]);
    /// empty: no rule.
    pub automod_keywords: Vec<String>,
    /// The judge `/moat check` uses (the engine keeps its own).
    pub link_judge: Option<std::sync::Arc<dyn moat_core::LinkJudge>>,
    /// Where actions, evidence, strikes, lockdowns, timers and settings are kept so that a
    /// restart forgets nothing (see [`crate::memory`]); `None`: memory only.
    pub store: Option<moat_store::Store>,
    /// The configuration file's text, which `/moat setting` lays guild overrides over.
    pub config_text: String,
    /// How often the store's due timers are claimed.
    pub timer_every_ms: u64,
    /// Every guild in dry run (`moat run --dry-run`): decide, alert, act on nothing.
    pub dry_run: bool,
    /// Keep the traffic of guilds with `live.record = true` as daily captures (see
    /// [`crate::recording`]).
    pub record: Option<crate::recording::RecordSettings>,
    /// Gateway frames that may wait for the engine task. When it is full the shards stop
    /// reading their sockets until it drains (back-pressure: Discord's frames wait in the
    /// connection, none is dropped).
    pub event_queue: usize,
}

impl Default for BotConfig {
    fn default() -> Self {
        Self {
            token: String::new(),
            shards: 0..1,
            total_shards: 1,
            gateway_url: None,
            rest_proxy: None,
            alert_channel: None,
            ping_role: None,
            evidence_path: None,
            clock: Clock::Wall,
            ban_batch_ms: 2_000,
            ban_gather_ms: 10_000,
            alert_edit_ms: 1000,
            fast_identify: false,
            automod_keywords: Vec::new(),
            link_judge: None,
            store: None,
            config_text: String::new(),
            timer_every_ms: 1000,
            dry_run: false,
            record: None,
            event_queue: 4096,
        }
    }
}

impl BotConfig {
    /// A bot talking to a Discord on loopback (the fake one, in the demo, tests and
    /// benchmarks): that server's addresses and clock, and identifies without waiting.
    pub fn loopback(token: &str, gateway_url: String, rest_proxy: String, clock: Clock) -> Self {
        Self {
            token: token.into(),
            gateway_url: Some(gateway_url),
            rest_proxy: Some(rest_proxy),
            clock,
            fast_identify: true,
            ..Default::default()
        }
    }
}

impl fmt::Debug for BotConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BotConfig")
            .field("token", &"<hidden>")
            .field("shards", &self.shards)
            .field("total_shards", &self.total_shards)
            .field("gateway_url", &self.gateway_url)
            .field("rest_proxy", &self.rest_proxy)
            .field("alert_channel", &self.alert_channel)
            .finish_non_exhaustive()
    }
}

/// Parses `A..B` (or a single `A`) into a shard range.
pub fn parse_shards(s: &str) -> Result<Range<u32>, String> {
    let bad = || format!("--shards takes A..B (e.g. 0..4), not `{s}`");
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b): (u32, u32) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
            if a < b {
                Ok(a..b)
            } else {
                Err(bad())
            }
        }
        None => {
            let a: u32 = s.trim().parse().map_err(|_| bad())?;
            Ok(a..a + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows() {
        let c = BotConfig { token: "secret-token".into(), ..Default::default() };
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn shard_ranges() {
        assert_eq!(parse_shards("0..4"), Ok(0..4));
        assert_eq!(parse_shards("3"), Ok(3..4));
        assert!(parse_shards("4..2").is_err());
        assert!(parse_shards("x").is_err());
    }
}
