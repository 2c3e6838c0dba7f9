//! `moat run`: the bot, live.
//!
//! The token comes from `DISCORD_TOKEN` or from the `[discord]` section of the config file,
//! and is never printed. That section (token, alert channel, evidence file) belongs to the
//! bot, not the engine, so it is taken out of the file before the rest goes to
//! `moat_core::Config`. Sharding follows Discord: `--shards A..B --total-shards N` lets
//! several processes split one bot.
//!
//! Built with `--features tls` it connects to discord.com. Without it (the default, so
//! that ordinary builds stay lean) it runs against a local Discord-compatible endpoint
//! (`--gateway-url ws://127.0.0.1:PORT --rest-proxy 127.0.0.1:PORT`, e.g. the fake of
//! `moat demo`).

use std::time::Duration;

use moat_core::{Config, Engine};
use moat_discord::config::parse_shards;
use moat_discord::{Bot, BotConfig, Feed};

use moat_store::cli::Args;

const USAGE: &str = "usage: moat run [--config moat.toml] [--http 127.0.0.1:8080] [--shards A..B --total-shards N] [--alert-channel ID] \
[--evidence FILE] [--database URL] [--gateway-url ws://127.0.0.1:PORT --rest-proxy 127.0.0.1:PORT]";

/// The `[discord]` section of the config file.
#[derive(Debug, Default)]
struct DiscordSection {
    token: Option<String>,
    alert_channel: Option<u64>,
    evidence: Option<String>,
}

/// Splits a config file into its `[discord]` section and the rest (the engine's).
fn split_config(text: &str) -> Result<(DiscordSection, String), String> {
    let mut ours = String::new();
    let mut rest = String::new();
    let mut in_discord = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_discord = t == "[discord]";
        }
        let target = if in_discord { &mut ours } else { &mut rest };
        target.push_str(line);
        target.push('\n');
    }
    let table: toml::Table = ours.parse().map_err(|e: toml::de::Error| format!("[discord]: {}", e.message()))?;
    let mut d = DiscordSection::default();
    if let Some(toml::Value::Table(t)) = table.get("discord") {
        for (k, v) in t {
            match (k.as_str(), v) {
                ("token", toml::Value::String(s)) => d.token = Some(s.clone()),
                ("alert_channel", toml::Value::String(s)) => {
                    d.alert_channel =
                        Some(s.parse().map_err(|_| "[discord] alert_channel must be a channel id".to_string())?)
                }
                ("alert_channel", toml::Value::Integer(i)) if *i > 0 => d.alert_channel = Some(*i as u64),
                ("evidence", toml::Value::String(s)) => d.evidence = Some(s.clone()),
                (other, _) => {
                    return Err(format!(
                        "[discord] {other}: unknown key or wrong type (token, alert_channel, evidence)"
                    ))
                }
            }
        }
    }
    Ok((d, rest))
}

pub fn run(args: &[String]) -> i32 {
    let mut a = Args::new(args);
    let database = match a.value("--database") {
        Ok(d) => d,
        Err(e) => return usage(&e),
    };
    let mut value = |name: &str| a.value(name);
    let (config, shards, total, alert, evidence, gateway, rest) = match (
        value("--config"),
        value("--shards"),
        value("--total-shards"),
        value("--alert-channel"),
        value("--evidence"),
        value("--gateway-url"),
        value("--rest-proxy"),
    ) {
        (Ok(c), Ok(s), Ok(t), Ok(al), Ok(ev), Ok(g), Ok(r)) => (c, s, t, al, ev, g, r),
        _ => return usage("a flag is missing its value"),
    };
    let http_flag = match a.value("--http") {
        Ok(h) => h,
        Err(e) => return usage(&e),
    };
    match a.positionals() {
        Ok(p) if p.is_empty() => {}
        Ok(p) => return usage(&format!("unexpected argument `{}`", p[0])),
        Err(e) => return usage(&e),
    }
    let mut http_section: Option<moat_http::HttpConfig> = None;
    let (section, engine_text) = match config.as_deref().map(std::fs::read_to_string) {
        None => (DiscordSection::default(), String::new()),
        Some(Err(e)) => return fail(&format!("cannot read the config file: {e}")),
        Some(Ok(text)) => match crate::dashboard::split_http(&text).and_then(|(h, rest)| Ok((h, split_config(&rest)?)))
        {
            Ok((h, x)) => {
                http_section = h;
                x
            }
            Err(e) => return fail(&e),
        },
    };
    let engine_config = match Config::from_toml(&engine_text) {
        Ok(c) => c,
        Err(e) => return fail(&format!("config: {e}")),
    };
    let token = std::env::var("DISCORD_TOKEN").ok().filter(|t| !t.trim().is_empty()).or(section.token);
    let Some(token) = token else {
        return fail("no bot token: set DISCORD_TOKEN, or `token` under [discord] in the config file");
    };
    let total_shards: u32 = match total.as_deref().map(str::parse) {
        None => 1,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => return usage("--total-shards takes a positive number"),
    };
    let shard_range = match shards.as_deref().map(parse_shards) {
        None => 0..total_shards,
        Some(Ok(r)) => r,
        Some(Err(e)) => return usage(&e),
    };
    let alert_channel = match alert.as_deref().map(str::parse::<u64>) {
        None => section.alert_channel,
        Some(Ok(c)) => Some(c),
        Some(Err(_)) => return usage("--alert-channel takes a channel id"),
    };
    for url in gateway.iter().chain(rest.iter()) {
        if !url.contains("127.0.0.1") && !url.contains("localhost") {
            return fail("--gateway-url and --rest-proxy are for a local endpoint on 127.0.0.1 (plain, no TLS)");
        }
    }
    if !cfg!(feature = "tls") && (gateway.is_none() || rest.is_none()) {
        return fail("this build has no TLS (build with --features tls to reach discord.com): give --gateway-url ws://127.0.0.1:PORT and --rest-proxy 127.0.0.1:PORT");
    }
    let cfg = BotConfig {
        token,
        shards: shard_range,
        total_shards,
        gateway_url: gateway,
        rest_proxy: rest,
        alert_channel: alert_channel.map(moat_core::id::ChannelId),
        evidence_path: evidence.or(section.evidence).map(Into::into),
        automod_keywords: moat_discord::automod::keywords(moat_links::checker::data::SCAM_DOMAINS),
        link_judge: Some(std::sync::Arc::from(crate::judge::default_judge())),
        config_text: engine_text,
        ..Default::default()
    };
    // The store: `--database`, else MOAT_DATABASE, else moat.db here. Its URL is never
    // printed (a PostgreSQL URL may carry a password).
    let database = moat_store::resolve_url(database.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let sharding_given = shards.is_some() || total.is_some();
    runtime.block_on(async move {
        let mut cfg = cfg;
        match moat_store::Store::open(&database).await {
            Ok(store) => {
                eprintln!("moat: keeping incidents, evidence, strikes, timers and settings in the {:?} store", store.backend());
                cfg.store = Some(store);
            }
            Err(e) => return fail(&format!("cannot open the store (--database or MOAT_DATABASE): {e}")),
        }
        if !sharding_given {
            // As Discord recommends: as many shards as GET /gateway/bot says, all here.
            match moat_discord::recommended_shards(&cfg).await {
                Ok(n) => {
                    cfg.total_shards = n;
                    cfg.shards = 0..n;
                    eprintln!("moat: running {n} shard(s), as Discord recommends");
                }
                Err(e) => return fail(&e),
            }
        }
        let (store_for_dash, dash_text) = (cfg.store.clone(), cfg.config_text.clone());
        let bot = match Bot::start(cfg, Engine::new(engine_config, crate::judge::default_judge())) {
            Ok(b) => b,
            Err(e) => return fail(&e),
        };
        let mut http = http_section;
        if let Some(h) = &http_flag {
            match h.parse() {
                Ok(addr) => http.get_or_insert_with(moat_http::HttpConfig::default).bind = addr,
                Err(_) => return fail(&format!("--http {h}: not an address like 127.0.0.1:8080")),
            }
        }
        let dash = match (http, store_for_dash) {
            (Some(h), Some(store)) => match crate::dashboard::start(&bot, store, dash_text, h, None).await {
                Ok(d) => {
                    eprintln!("moat: dashboard at http://{}/", d.addr);
                    Some(d)
                }
                Err(e) => return fail(&e),
            },
            _ => None,
        };
        let mut feed = bot.subscribe();
        eprintln!("moat: running; stop with Ctrl-C");
        let code = loop {
            match tokio::time::timeout(Duration::from_secs(1), feed.recv()).await {
                Ok(Some(f)) => {
                    log(&f);
                    if let Some(d) = &dash {
                        d.feed(&f);
                    }
                }
                Ok(None) => break 0,
                Err(_) if !bot.is_running() => {
                    eprintln!("moat run: Discord closed every shard (a wrong token, or the Server Members and Message Content intents not enabled for the bot?)");
                    break 1;
                }
                Err(_) => {}
            }
        };
        bot.stop().await;
        code
    })
}

fn log(f: &Feed) {
    match f {
        Feed::Ready { shard } => eprintln!("moat: shard {shard} ready"),
        Feed::Action(a) => eprintln!("moat: {} {:?} ({}: {})", a.kind, a.user_ids, a.detector, a.reason),
        Feed::Call { what, status: Ok(s) } if *s < 300 => {
            let _ = what;
        }
        Feed::Call { what, status } => eprintln!("moat: {what} failed: {status:?}"),
        Feed::Alert { .. } => {}
        Feed::Problem(p) => eprintln!("moat: problem: {p}"),
    }
}

fn usage(e: &str) -> i32 {
    eprintln!("moat run: {e}\n{USAGE}");
    2
}

fn fail(e: &str) -> i32 {
    eprintln!("moat run: {e}");
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_discord_section_is_taken_out() {
        let text = "[discord]\ntoken = \"t\"\nalert_channel = \"42\"\n\n[raid]\naction = \"ban\"\n";
        let (d, rest) = split_config(text).unwrap();
        assert_eq!(d.token.as_deref(), Some("t"));
        assert_eq!(d.alert_channel, Some(42));
        assert!(Config::from_toml(&rest).is_ok(), "{rest}");
        assert!(split_config("[discord]\nnope = 1\n").is_err());
    }
}
