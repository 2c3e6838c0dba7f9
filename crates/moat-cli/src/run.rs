//! `moat run`: the bot, live.
//!
//! `[mastodon]` servers run beside the bot, or alone when no Discord token is given
//! ([`crate::run_mastodon`]).
//!
//! The token comes from `DISCORD_TOKEN` or from the `[discord]` section of the config file,
//! and is never printed. The file is read once ([`crate::config`]); that section is typed
//! by moat-discord (`DiscordSection`). Sharding follows Discord: `--shards A..B --total-shards N` lets
//! several processes split one bot.
//!
//! The default build connects to discord.com (the `tls` feature: rustls with ring, trusting
//! the machine's CA certificates). A build with `--no-default-features` has no TLS and runs
//! only against a local Discord-compatible endpoint (`--gateway-url ws://127.0.0.1:PORT
//! --rest-proxy 127.0.0.1:PORT`, e.g. the fake of `moat demo`).

use std::time::Duration;

use moat_discord::config::parse_shards;
use moat_discord::{Bot, BotConfig, Feed};

use crate::flags::RunArgs;

pub fn run(a: RunArgs) -> i32 {
    let grace = Duration::from_secs(a.shutdown_grace);
    let discord_only = crate::run_mastodon::discord_only_flags(&a);
    let dry_run = a.dry_run;
    let record_flag = a.record.clone();
    let RunArgs {
        config,
        shards,
        total_shards: total,
        alert_channel: alert,
        evidence,
        database,
        gateway_url: gateway,
        rest_proxy: rest,
        http: http_flag,
        cluster,
        ..
    } = a;
    let loaded = match crate::config::load(config.as_deref()) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let (engine_judge, check_judge) = match (loaded.judge(), loaded.judge()) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail(&e),
    };
    let section = loaded.discord.clone();
    let mastodon = loaded.mastodon.clone().filter(|m| !m.servers.is_empty());
    if dry_run && mastodon.is_some() {
        return usage(crate::run_mastodon::refuse_dry_run());
    }
    let token = std::env::var("DISCORD_TOKEN").ok().filter(|t| !t.trim().is_empty()).or(section.token);
    let Some(token) = token else {
        // A config with only `[mastodon]` guards its Mastodon servers and needs no Discord token.
        if let Some(m) = mastodon {
            warn_unused(&discord_only, loaded.http.is_some());
            return mastodon_only(&loaded, &m, database.as_deref());
        }
        return fail("no bot token: set DISCORD_TOKEN, or `token` under [discord] in the config file");
    };
    let total_shards: u32 = total.unwrap_or(1);
    let shard_range = match shards.as_deref().map(parse_shards) {
        None => 0..total_shards,
        Some(Ok(r)) => r,
        Some(Err(e)) => return usage(&e),
    };
    let alert_channel = alert.map(moat_core::id::ChannelId).or(section.alert_channel);
    let checked = gateway
        .iter()
        .map(|g| crate::endpoint::check_gateway(g))
        .chain(rest.iter().map(|r| crate::endpoint::check_rest_proxy(r)))
        .collect::<Result<Vec<()>, String>>();
    if let Err(e) = checked {
        return usage(&e);
    }
    if !cfg!(feature = "tls") && (gateway.is_none() || rest.is_none()) {
        return fail("this moat was built without TLS (--no-default-features), so it cannot reach discord.com: rebuild with the default features, or give --gateway-url ws://127.0.0.1:PORT and --rest-proxy 127.0.0.1:PORT");
    }
    let record = record_flag.or(section.record_dir.clone()).map(|dir| moat_discord::recording::RecordSettings {
        dir,
        retention_days: section.record_days.unwrap_or(moat_discord::recording::DEFAULT_RETENTION_DAYS),
    });
    if let Some(r) = &record {
        let c = loaded.engine();
        if !c.defaults.live.record && !c.guilds.values().any(|s| s.live.record) {
            tracing::warn!("--record {}: no guild has `live.record = true`, so nothing is recorded until one opts in (`/moat setting live record true`)", r.dir.display());
        }
    }
    let cfg = BotConfig {
        record,
        token,
        shards: shard_range,
        total_shards,
        gateway_url: gateway,
        rest_proxy: rest,
        alert_channel,
        evidence_path: evidence.or(section.evidence),
        automod_keywords: moat_discord::automod::keywords(moat_links::checker::data::SCAM_DOMAINS),
        link_judge: Some(std::sync::Arc::from(check_judge)),
        config_text: loaded.file.text().to_string(),
        ping_role: section.ping_role,
        dry_run,
        ..Default::default()
    };
    // The store: `--database`, else MOAT_DATABASE, else moat.db here. Its URL is never
    // printed (a PostgreSQL URL may carry a password).
    let database = loaded.database(database.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let sharding_given = shards.is_some() || total.is_some();
    let cluster_url = crate::cluster_cmd::url(cluster.as_deref(), &loaded.cluster);
    runtime.block_on(async move {
        let mut cfg = cfg;
        // Opt-in: without --cluster (or [cluster] url) nothing here touches NATS.
        let cluster = match &cluster_url {
            None => None,
            Some(url) => match crate::cluster_cmd::join(url, &loaded.cluster).await {
                Ok(c) => {
                    eprintln!("moat: joined the cluster at {url} as {}", c.member());
                    if sharding_given {
                        eprintln!("moat: in a cluster the shards come from its leases; --shards and --total-shards are not used");
                    }
                    Some(c)
                }
                Err(e) => return fail(&e.to_string()),
            },
        };
        // The token first: a wrong one, or no Discord to reach, said in words before anything starts.
        if let Err(e) = moat_discord::setup::check_token(&cfg).await {
            return fail(&e);
        }
        match moat_store::Store::open(&database).await {
            Ok(store) => {
                tracing::info!("keeping incidents, evidence, strikes, timers and settings in the {:?} store", store.backend());
                cfg.store = Some(store);
            }
            Err(e) => return fail(&format!("cannot open the store (--database or MOAT_DATABASE): {e}")),
        }
        let mut engine_config = loaded.engine();
        let link = match &cluster {
            None => None,
            Some(c) => match crate::cluster_cmd::link(c, &cfg, &mut engine_config).await {
                Ok(l) => Some(l),
                Err(e) => return fail(&e),
            },
        };
        if !sharding_given && link.is_none() {
            // As Discord recommends: as many shards as GET /gateway/bot says, all here.
            match moat_discord::recommended_shards(&cfg).await {
                Ok(n) => {
                    cfg.total_shards = n;
                    cfg.shards = 0..n;
                    tracing::info!("running {n} shard(s), as Discord recommends");
                }
                Err(e) => return fail(&e),
            }
        }
        let (store_for_dash, dash_text) = (cfg.store.clone(), cfg.config_text.clone());
        // The dashboard's "try it on the last day" reads what `--record` keeps.
        let recordings = cfg.record.as_ref().map(|r| r.dir.clone());
        // Both platforms in one process: the Mastodon servers beside the bot.
        let masto = match &mastodon {
            Some(m) => match crate::run_mastodon::start(m, &loaded.engine(), &|| loaded.judge(), cfg.store.clone()).await {
                Ok(r) => Some(r),
                Err(e) => return fail(&e),
            },
            None => None,
        };
        // Fingerprints keyed at random here, or from the cluster's secret so processes agree.
        let cluster_secret = match &cluster {
            Some(c) => match crate::cluster_cmd::secret(c) {
                Ok(s) => Some(s),
                Err(e) => return fail(&e),
            },
            None => None,
        };
        let engine = crate::fingerprint_key::engine(engine_config, engine_judge, cluster_secret.as_deref().map(str::as_bytes));
        let started = match link {
            Some(link) => Bot::start_cluster(cfg, engine, link),
            None => Bot::start(cfg, engine),
        };
        let bot = match started {
            Ok(b) => b,
            Err(e) => return fail(&e),
        };
        let mut http = loaded.http.clone();
        if let Some(addr) = http_flag {
            let h = http.get_or_insert_with(moat_http::HttpConfig::default);
            h.bind = addr;
            if let Err(e) = h.check() {
                return fail(&format!("--http: {e}"));
            }
        }
        let dash = match (http, store_for_dash) {
            (Some(h), Some(store)) => match crate::dashboard::start(&bot, store, dash_text, h, None, recordings).await {
                Ok(d) => {
                    tracing::info!("dashboard at http://{}/", d.addr);
                    Some(d)
                }
                Err(e) => return fail(&e),
            },
            _ => None,
        };
        let mut feed = bot.subscribe();
        tracing::info!("running; stop with Ctrl-C or SIGTERM");
        let mut stop_signal = Box::pin(crate::signals::stop_requested());
        let code = loop {
            let next = tokio::select! {
                what = &mut stop_signal => {
                    eprintln!("moat: {what}: no new events; finishing the calls in flight (at most {} s; again to exit at once)", grace.as_secs());
                    crate::signals::second_exits_at_once();
                    break 0;
                }
                next = tokio::time::timeout(Duration::from_secs(1), feed.recv()) => next,
            };
            match next {
                Ok(Some(f)) => {
                    log(&f);
                    if let Some(d) = &dash {
                        d.feed(&f);
                    }
                }
                Ok(None) => break 0,
                Err(_) if !bot.is_running() => {
                    tracing::error!("Discord closed every shard (a wrong token, or the Server Members and Message Content intents not enabled for the bot?): `moat doctor` says which");
                    break 1;
                }
                Err(_) => {}
            }
        };
        let stopped = bot.shut_down(grace).await;
        eprintln!("moat: stopped: {stopped}");
        if let Some(m) = masto {
            m.stop().await;
        }
        code
    })
}

/// `moat run` with `[mastodon]` and no Discord bot: the servers until Ctrl-C or SIGTERM.
fn mastodon_only(loaded: &crate::config::Loaded, m: &moat_mastodon::MastodonConfig, database: Option<&str>) -> i32 {
    let database = loaded.database(database);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async move {
        let store = match moat_store::Store::open(&database).await {
            Ok(s) => s,
            Err(e) => return fail(&format!("cannot open the store (--database or MOAT_DATABASE): {e}")),
        };
        let running = match crate::run_mastodon::start(m, &loaded.engine(), &|| loaded.judge(), Some(store)).await {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        tracing::info!("guarding {} Mastodon server(s), no Discord bot; stop with Ctrl-C or SIGTERM", running.len());
        crate::run_mastodon::stopped().await;
        tracing::info!("stopping: letting the admin calls in flight finish");
        running.stop().await;
        0
    })
}

/// A Mastodon-only run names each Discord flag it was given and does not use.
fn warn_unused(flags: &[&str], http_section: bool) {
    for flag in flags {
        eprintln!("moat run: warning: {flag} is not used: this config guards Mastodon servers only (no Discord bot)");
    }
    if http_section {
        eprintln!("moat run: warning: [http] is not used: the dashboard needs the Discord bot, and this config guards Mastodon servers only");
    }
}

fn log(f: &Feed) {
    match f {
        Feed::Ready { shard } => tracing::info!(shard, "shard ready"),
        Feed::Action(a) => {
            tracing::info!(kind = %a.kind, users = ?a.user_ids, detector = %a.detector, reason = %a.reason, "action")
        }
        Feed::Call { what, status: Ok(s) } if *s < 300 => {
            let _ = what;
        }
        Feed::Call { what, status } => tracing::warn!(status = ?status, "{what} failed"),
        Feed::Alert { .. } => {}
        Feed::Problem(p) => tracing::warn!("problem: {p}"),
    }
}

fn usage(e: &str) -> i32 {
    eprintln!("moat run: {e} (see moat run --help)");
    2
}

fn fail(e: &str) -> i32 {
    tracing::error!("moat run: {e}");
    1
}
