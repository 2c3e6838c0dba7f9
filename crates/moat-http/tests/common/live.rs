//! The real bot against the fake Discord, with the dashboard in front of it, as `moat demo
//! --http` wires them: what the browser test and the live-metrics test stand on.

use std::sync::Arc;
use std::time::Duration;

use moat_core::{Config, Engine};
use moat_discord::{Bot, BotConfig, Clock};
use moat_fake_discord::{FakeDiscord, OAuthOptions, OAuthUser, Options, Pace, DEFAULT_TOKEN};
use moat_http::{HttpConfig, Metrics, Sources};
use moat_store::Store;

pub struct LiveBot {
    pub fake: FakeDiscord,
    pub bot: Bot,
    pub store: Store,
    pub metrics: Arc<Metrics>,
    pub dash: moat_http::Dashboard,
    pub base: String,
    db: std::path::PathBuf,
}

impl LiveBot {
    /// Starts everything with `file` as the configuration; `tag` names the store's file;
    /// `recordings` is a `--record` directory for the settings page's trials.
    pub async fn start(
        users: Vec<OAuthUser>,
        file: &str,
        tag: &str,
        recordings: Option<std::path::PathBuf>,
        tweak: impl FnOnce(&mut Options),
    ) -> LiveBot {
        let mut opts = Options { oauth: OAuthOptions { users, ..OAuthOptions::default() }, ..Options::default() };
        tweak(&mut opts);
        let fake = FakeDiscord::start(opts).await.unwrap();
        let db = std::env::temp_dir().join(format!("moat-http-{tag}-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&db);
        let store = Store::open(&format!("sqlite://{}?mode=rwc", db.display())).await.unwrap();
        let mut cfg = BotConfig {
            ban_batch_ms: 300,
            alert_edit_ms: 100,
            ..BotConfig::loopback(DEFAULT_TOKEN, fake.gateway_url(), fake.rest_proxy(), Clock::Shared(fake.clock()))
        };
        cfg.store = Some(store.clone());
        cfg.config_text = file.to_string();
        let engine = Engine::new(Config::from_toml(file).unwrap(), Box::new(moat_core::links::NoLinks));
        let bot = Bot::start(cfg, engine).unwrap();
        let handle = bot.dashboard(store.clone(), file.to_string());
        let sources = Sources::new(store.clone(), Arc::new(handle.clone())).with_recordings(recordings);
        handle.follow_events(sources.live.clone());
        let metrics = Arc::new(Metrics::new());
        handle.attach_metrics(metrics.clone());
        let mut feed = bot.subscribe();
        let (live, m) = (sources.live.clone(), metrics.clone());
        tokio::spawn(async move {
            while let Some(f) = feed.recv().await {
                moat_discord::dashboard::forward(&f, &live, &m);
            }
        });
        let http = HttpConfig {
            bind: "127.0.0.1:0".parse().unwrap(),
            discord_url: fake.rest_url(),
            client_id: fake.options().application_id,
            client_secret: "fake-client-secret".into(),
            ..HttpConfig::default()
        };
        let (dash, addr, _task) = moat_http::serve(sources, metrics.clone(), http).await.unwrap();
        assert!(fake.wait_sessions(1, Duration::from_secs(10)).await, "the bot connected");
        dash.set_ready(true);
        LiveBot { fake, bot, store, metrics, dash, base: format!("http://{addr}"), db }
    }

    /// Plays capture lines, each handled by the bot before the next.
    pub async fn play(&self, lines: &str) {
        let pace = Pace::Lockstep { handled: self.bot.handled(), timeout: Duration::from_secs(10) };
        self.fake.play(lines, pace).await;
    }

    pub async fn stop(self) {
        self.bot.stop().await;
        let _ = std::fs::remove_file(&self.db);
    }
}

/// A capture split before its first join: the guild's set-up and chat, then the rest.
pub fn split_at_first_join(capture: &str) -> (String, String) {
    let lines: Vec<&str> = capture.lines().collect();
    let split = lines.iter().position(|l| l.contains("GUILD_MEMBER_ADD")).unwrap_or(lines.len());
    (lines[..split].join("\n"), lines[split..].join("\n"))
}
