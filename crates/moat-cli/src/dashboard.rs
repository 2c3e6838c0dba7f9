//! The web dashboard inside `moat run` and `moat demo` (`--http ADDR`, `[http]` in the
//! config): the bot's handle, its feed forwarded live, and for the demo a fake Discord whose
//! OAuth2 logs the demo moderator in with one click.

use std::sync::Arc;
use std::time::Duration;

use moat_discord::dashboard::{forward, BotHandle};
use moat_discord::{Bot, BotConfig, Clock, Feed};
use moat_fake_discord::{FakeDiscord, OAuthOptions, OAuthUser, Options, Pace, DEFAULT_TOKEN};
use moat_http::{HttpConfig, Metrics, Sources};
use moat_testkit::fixture::Capture;
use tokio::sync::broadcast;

/// A running dashboard and what feeds it.
pub struct Live {
    pub live: broadcast::Sender<moat_http::Live>,
    pub metrics: Arc<Metrics>,
    pub addr: std::net::SocketAddr,
}

impl Live {
    /// Shows one item of the bot's feed on the dashboard.
    pub fn feed(&self, f: &Feed) {
        forward(f, &self.live, &self.metrics);
    }
}

/// Starts the dashboard in front of `bot`; `recordings` is where each guild's traffic is
/// recorded (`DIR/<guild id>/<YYYY-MM-DD>.jsonl`), for trying a setting on the last day.
pub async fn start(
    bot: &Bot,
    store: moat_store::Store,
    config_text: String,
    http: HttpConfig,
    hint: Option<String>,
    recordings: Option<std::path::PathBuf>,
) -> Result<Live, String> {
    let handle: BotHandle = bot.dashboard(store.clone(), config_text);
    let sources = Sources::new(store, Arc::new(handle.clone())).with_recordings(recordings);
    handle.follow_events(sources.live.clone());
    let metrics = Arc::new(Metrics::new());
    handle.attach_metrics(metrics.clone());
    let live = sources.live.clone();
    let (dash, addr, _task) = moat_http::serve_with(sources, metrics.clone(), http, hint)
        .await
        .map_err(|e| format!("cannot serve the dashboard: {e}"))?;
    dash.set_ready(true);
    let _ = dash;
    Ok(Live { live, metrics, addr })
}

const DEMO_USER: u64 = 4242;

/// Chat, then a raid of 120 accounts a minute in, from `t0`.
fn demo_capture(t0: u64) -> (u64, String) {
    let mut c = Capture::standard(t0);
    c.chatter(t0, 50, 6);
    for i in 0..120u64 {
        let at = t0 + 55_000 + i * 400;
        let u = c.account(at, 3_600_000 + i * 60_000);
        c.join(at, u, &format!("free_nitro_{i:03}"), false);
        if i % 4 == 0 {
            c.say(at + 300, u, &format!("free_nitro_{i:03}"), at, 1, "JOIN NOW discord.gg/raidparty @everyone", &[]);
        }
    }
    (c.ids.guild, c.finish())
}

/// The demo server's traffic as `moat run --record DIR` keeps it (`DIR/<guild>/<day>.jsonl`),
/// so the settings page can try a change on it. The demo's scenario is scripted, so it is
/// recorded whole at the start. In a temporary directory; `None` (and the page says nothing
/// is recorded) if it cannot be written.
fn record_scenario(guild: u64, capture: &str, now: u64) -> Option<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("moat-demo-recordings-{}", std::process::id()));
    let day: String = moat_store::cli::time::utc(now).chars().take(10).collect();
    let file = dir.join(guild.to_string()).join(format!("{day}.jsonl"));
    let written = std::fs::create_dir_all(file.parent()?).and_then(|()| std::fs::write(&file, capture));
    written.ok().map(|()| dir)
}

/// `moat demo --http ADDR`: the real bot against a fake Discord with a raid of 120 accounts
/// arriving a minute after start, the dashboard on `addr`, the demo moderator logged in with
/// one click; runs until Enter (or end of input).
pub async fn demo(addr: std::net::SocketAddr, config: moat_core::Config, store: Option<moat_store::Store>) -> i32 {
    let store = match store {
        Some(s) => s,
        None => match moat_store::Store::open("sqlite::memory:").await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("moat demo: cannot open an in-memory store: {e}");
                return 1;
            }
        },
    };
    let now = moat_store::ids::now_ms();
    let (guild, capture) = demo_capture(now + 5_000);
    let recordings = record_scenario(guild, &capture, now);
    let users = vec![OAuthUser::new(DEMO_USER, "demo moderator").in_guild(guild, true, 0)];
    let opts = Options { oauth: OAuthOptions { users, ..OAuthOptions::default() }, ..Options::default() };
    let fake = match FakeDiscord::start(opts).await {
        Ok(f) => f,
        Err(e) => {
            eprintln!("moat demo: cannot start the fake Discord: {e}");
            return 1;
        }
    };
    let cfg = BotConfig {
        ban_batch_ms: 300,
        alert_edit_ms: 250,
        store: Some(store.clone()),
        ..BotConfig::loopback(DEFAULT_TOKEN, fake.gateway_url(), fake.rest_proxy(), Clock::Shared(fake.clock()))
    };
    let bot = match Bot::start(cfg, moat_core::Engine::new(config, crate::judge::default_judge())) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("moat demo: {e}");
            return 1;
        }
    };
    let http = HttpConfig {
        bind: addr,
        discord_url: fake.rest_url(),
        client_id: fake.options().application_id,
        client_secret: "fake-client-secret".into(),
        ..HttpConfig::default()
    };
    let hint = Some("Demo: Discord here is a fake on this machine; the button logs you in as the demo moderator, who owns the demo server.".to_string());
    let live = match start(&bot, store, String::new(), http, hint, recordings).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("moat demo: {e}");
            return 1;
        }
    };
    let mut feed = bot.subscribe();
    let dash = Arc::new(live);
    let d = dash.clone();
    tokio::spawn(async move {
        while let Some(f) = feed.recv().await {
            d.feed(&f);
        }
    });
    if !fake.wait_sessions(1, Duration::from_secs(10)).await {
        eprintln!("moat demo: the bot did not connect to the fake gateway");
        return 1;
    }
    println!(
        "moat demo: dashboard at http://{}/ (click \"Log in with Discord\": you are the demo moderator)",
        dash.addr
    );
    println!("moat demo: chat now, a raid of 120 accounts in about a minute; press Enter to stop.");
    let play = fake.play(&capture, Pace::Speed(1.0));
    let mut stop = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    });
    tokio::select! {
        _ = play => {
            println!("moat demo: the scenario is over; the dashboard stays up until Enter.");
            let _ = (&mut stop).await;
        }
        _ = &mut stop => {}
    }
    bot.stop().await;
    0
}
