//! The harness: a fake Mastodon and a moat-mastodon server wired to each other on
//! loopback, on one fast clock, and helpers to collect what the consumer gets.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use moat_clock::Clock;
use moat_fake_mastodon::{FakeMastodon, Options, Webhook, DEFAULT_TOKEN};
use moat_mastodon::webhook::ListenerSettings;
use moat_mastodon::{ActionSender, Inbound, Secret, Server, ServerHandle, ServerSettings};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

pub const T0: u64 = 1_707_991_200_000;
pub const SECRET: &str = "a-webhook-secret-of-some-length";

/// Both sides, running.
pub struct Rig {
    pub fake: FakeMastodon,
    pub events: mpsc::Receiver<Inbound>,
    pub actions: ActionSender,
    pub handle: ServerHandle,
    pub clock: Clock,
}

/// What to change before starting.
pub struct Setup {
    pub opts: Options,
    pub settings: Box<dyn FnOnce(&mut ServerSettings)>,
    pub webhook: bool,
}

impl Setup {
    /// A fake on a clock `speed`× wall speed from [`T0`], delivering webhooks to moat.
    pub fn new(speed: f64) -> Setup {
        let opts = Options { clock: Clock::scaled(T0, speed), ..Options::default() };
        Setup { opts, settings: Box::new(|_| {}), webhook: true }
    }

    pub fn settings(mut self, f: impl FnOnce(&mut ServerSettings) + 'static) -> Setup {
        self.settings = Box::new(f);
        self
    }

    pub async fn start(mut self) -> Rig {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        if self.webhook {
            let url = format!("http://{addr}/mastodon/webhook");
            self.opts.webhook = Some(Webhook { url, secret: SECRET.into(), events: Vec::new() });
        }
        let clock = self.opts.clock.clone();
        let fake = FakeMastodon::start(self.opts).await.expect("the fake starts");
        let mut settings = ServerSettings::new(&fake.base_url(), Secret::new(DEFAULT_TOKEN));
        settings.webhook = Some(ListenerSettings::new(addr, Secret::new(SECRET)));
        settings.admin_accounts = vec!["admin".into()];
        (self.settings)(&mut settings);
        let (events, actions, handle) =
            Server::start_on(settings, clock.clone(), Some(listener)).await.expect("moat-mastodon starts");
        Rig { fake, events, actions, handle, clock }
    }
}

impl Rig {
    /// Takes what arrives until `done` says enough or `timeout` (wall) passes.
    pub async fn collect_until(&mut self, timeout: Duration, mut done: impl FnMut(&[Inbound]) -> bool) -> Vec<Inbound> {
        let deadline = Instant::now() + timeout;
        let mut got = Vec::new();
        while !done(&got) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match tokio::time::timeout(left.min(Duration::from_millis(50)), self.events.recv()).await {
                Ok(Some(i)) => got.push(i),
                Ok(None) => break,
                Err(_) => {}
            }
        }
        got
    }

    /// Takes what arrives for `quiet` (wall) after the last item.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<Inbound> {
        let mut got = Vec::new();
        while let Ok(Some(i)) = tokio::time::timeout(quiet, self.events.recv()).await {
            got.push(i);
        }
        got
    }
}

/// The events among `items`.
pub fn events(items: &[Inbound]) -> Vec<&moat_mastodon::Event> {
    items
        .iter()
        .filter_map(|i| match i {
            Inbound::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// The action reports among `items`.
pub fn reports(items: &[Inbound]) -> Vec<&moat_mastodon::ActionReport> {
    items
        .iter()
        .filter_map(|i| match i {
            Inbound::Done(r) => Some(r),
            _ => None,
        })
        .collect()
}
