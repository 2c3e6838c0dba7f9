//! The bot against the fake Discord, through the real twilight client.

#![allow(dead_code)]

use std::time::Duration;

use moat_core::{Config, Engine};
use moat_discord::{Bot, BotConfig, Clock};
use moat_fake_discord::{FakeDiscord, Options, Pace, PlayReport, DEFAULT_TOKEN};

pub struct Harness {
    pub fake: FakeDiscord,
    pub bot: Bot,
}

pub fn config(toml: &str) -> Config {
    Config::from_toml(toml).expect("valid test config")
}

pub async fn start(opts: Options, config: Config) -> Harness {
    start_with(opts, config, |_| {}).await
}

/// The bot's configuration for a fake Discord.
pub fn bot_config(fake: &FakeDiscord) -> BotConfig {
    BotConfig {
        ban_batch_ms: 300,
        alert_edit_ms: 100,
        ..BotConfig::loopback(DEFAULT_TOKEN, fake.gateway_url(), fake.rest_proxy(), Clock::Shared(fake.clock()))
    }
}

pub async fn start_with(opts: Options, config: Config, tweak: impl FnOnce(&mut BotConfig)) -> Harness {
    let fake = FakeDiscord::start(opts).await.expect("fake starts");
    let mut cfg = bot_config(&fake);
    tweak(&mut cfg);
    let bot = Bot::start(cfg, Engine::new(config, Box::new(moat_core::links::NoLinks))).expect("bot starts");
    assert!(fake.wait_sessions(1, Duration::from_secs(10)).await, "the bot identifies");
    Harness { fake, bot }
}

impl Harness {
    /// Plays a capture in lockstep with the bot, then waits for the executor to settle.
    pub async fn play(&self, capture: &str) -> PlayReport {
        let r = self
            .fake
            .play(capture, Pace::Lockstep { handled: self.bot.handled(), timeout: Duration::from_secs(10) })
            .await;
        assert_eq!(r.stalls, 0, "the bot kept up");
        self.settle().await;
        r
    }

    pub async fn settle(&self) {
        assert!(self.bot.wait_idle(Duration::from_millis(400), Duration::from_secs(60)).await, "the executor settles");
    }

    /// Moves capture time on by `ms` so the engine's timers fire, and lets the bot act.
    pub async fn advance(&self, ms: u64) {
        let clock = self.fake.clock();
        let now = clock.load(std::sync::atomic::Ordering::Acquire);
        clock.store(now + ms, std::sync::atomic::Ordering::Release);
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.settle().await;
    }

    /// Moderation calls (not reads, not alerts).
    pub fn action_calls(&self) -> Vec<moat_fake_discord::Call> {
        self.fake
            .calls()
            .into_iter()
            .filter(|c| !c.path.starts_with("/applications/") && !c.path.contains("/auto-moderation/"))
            .filter(|c| {
                c.method != "GET" && !c.path.ends_with("/messages") && !c.path.contains("/messages/")
                    || c.method == "DELETE"
            })
            .collect()
    }

    pub fn alerts(&self) -> Vec<String> {
        self.fake.world().alerts().iter().map(|m| m.content.clone()).collect()
    }
}
