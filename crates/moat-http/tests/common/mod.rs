//! What the dashboard's tests share: a plain HTTP client with a cookie jar (no redirects
//! followed, so each step of a login can be looked at), and a [`TestBot`] standing in for
//! the live bot behind [`moat_http::BotControl`].

#![allow(dead_code)]

pub mod live;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use moat_core::id::{GuildId, IncidentId};
use moat_http::source::Moderator;
use moat_http::{BotControl, GuildInfo, GuildSnapshot};

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn location(&self) -> String {
        self.header("location").unwrap_or_default().to_string()
    }
}

/// A browser without a screen: a cookie jar per host, one request at a time.
#[derive(Clone)]
pub struct Browser {
    client: Client<HttpConnector, Full<Bytes>>,
    pub jar: Arc<Mutex<BTreeMap<String, BTreeMap<String, String>>>>,
}

impl Default for Browser {
    fn default() -> Self {
        Browser { client: Client::builder(TokioExecutor::new()).build_http(), jar: Default::default() }
    }
}

fn host_of(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or("").to_string()
}

impl Browser {
    pub async fn get(&self, url: &str) -> Reply {
        self.send("GET", url, "", None).await
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        self.send("POST", url, &body, Some("application/x-www-form-urlencoded")).await
    }

    pub async fn send(&self, method: &str, url: &str, body: &str, ctype: Option<&str>) -> Reply {
        let host = host_of(url);
        let mut req = hyper::Request::builder().method(method).uri(url);
        let cookies: Vec<String> = self
            .jar
            .lock()
            .unwrap()
            .get(&host)
            .map(|c| c.iter().map(|(k, v)| format!("{k}={v}")).collect())
            .unwrap_or_default();
        if !cookies.is_empty() {
            req = req.header("cookie", cookies.join("; "));
        }
        if let Some(c) = ctype {
            req = req.header("content-type", c);
        }
        let resp = self.client.request(req.body(Full::new(Bytes::from(body.to_string()))).unwrap()).await.unwrap();
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> =
            resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
        for (k, v) in &headers {
            if k == "set-cookie" {
                let first = v.split(';').next().unwrap_or("");
                if let Some((name, value)) = first.split_once('=') {
                    let mut jar = self.jar.lock().unwrap();
                    let entry = jar.entry(host.clone()).or_default();
                    if value.is_empty() || v.contains("Max-Age=0") {
                        entry.remove(name);
                    } else {
                        entry.insert(name.to_string(), value.to_string());
                    }
                }
            }
        }
        let body = String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).into_owned();
        Reply { status, headers, body }
    }

    /// Follows redirects from `url` (at most 10), returning the last answer and its URL.
    pub async fn follow(&self, url: &str) -> (Reply, String) {
        let mut url = url.to_string();
        for _ in 0..10 {
            let r = self.get(&url).await;
            if !(300..400).contains(&r.status) {
                return (r, url);
            }
            let loc = r.location();
            url = if loc.starts_with('/') { format!("http://{}{loc}", host_of(&url)) } else { loc };
        }
        panic!("too many redirects from {url}");
    }
}

/// What the bot was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Undo(GuildId, IncidentId, String),
    Set(GuildId, String, String, String, String),
}

/// The live bot's stand-in: a fixed list of guilds and snapshots, and a log of requests.
#[derive(Default)]
pub struct TestBot {
    pub guilds: Vec<GuildInfo>,
    pub snapshots: Mutex<BTreeMap<GuildId, GuildSnapshot>>,
    pub asked: Mutex<Vec<Asked>>,
}

impl TestBot {
    pub fn with_guilds(guilds: &[(u64, &str)]) -> TestBot {
        TestBot {
            guilds: guilds
                .iter()
                .map(|(id, name)| GuildInfo { id: GuildId(*id), name: name.to_string(), moderator_roles: vec![] })
                .collect(),
            ..TestBot::default()
        }
    }
}

impl BotControl for TestBot {
    fn guilds(&self) -> Vec<GuildInfo> {
        self.guilds.clone()
    }
    fn snapshot(&self, guild: GuildId) -> Option<GuildSnapshot> {
        self.guilds
            .iter()
            .any(|g| g.id == guild)
            .then(|| self.snapshots.lock().unwrap().get(&guild).cloned().unwrap_or_default())
    }
    fn undo(
        &self,
        guild: GuildId,
        incident: IncidentId,
        by: Moderator,
    ) -> BoxFuture<'static, Result<Vec<String>, String>> {
        self.asked.lock().unwrap().push(Asked::Undo(guild, incident, by.label()));
        Box::pin(async { Ok(vec!["done".to_string()]) })
    }
    fn set_setting(
        &self,
        guild: GuildId,
        section: String,
        key: String,
        value: String,
        by: Moderator,
    ) -> BoxFuture<'static, Result<String, String>> {
        self.asked.lock().unwrap().push(Asked::Set(guild, section, key, value, by.label()));
        Box::pin(async { Ok("changed".to_string()) })
    }
}

pub const ANN: u64 = 9001;
pub const BOB: u64 = 9002;
pub const G1: u64 = 111_000_000_000_000_001;
pub const G2: u64 = 222_000_000_000_000_002;
pub const G3: u64 = 333_000_000_000_000_003;

/// A fake Discord with two moderators: Ann owns guild 1 (and guild 3, which moat is not in)
/// and is a plain member of guild 2; Bob holds Manage Server in guild 2 and nothing in 1.
pub async fn fake_discord() -> moat_fake_discord::FakeDiscord {
    use moat_fake_discord::{OAuthOptions, OAuthUser, Options};
    let users = vec![
        OAuthUser::new(ANN, "ann").in_guild(G1, true, 0).in_guild(G2, false, 1 << 10).in_guild(G3, true, 0),
        OAuthUser::new(BOB, "bob").in_guild(G2, false, 1 << 5).in_guild(G1, false, 1 << 10),
    ];
    let opts = Options { oauth: OAuthOptions { users, ..OAuthOptions::default() }, ..Options::default() };
    moat_fake_discord::FakeDiscord::start(opts).await.unwrap()
}

pub struct Running {
    pub base: String,
    pub dash: moat_http::Dashboard,
    pub sources: moat_http::Sources,
    pub bot: Arc<TestBot>,
}

/// A dashboard in front of `bot`, logging in through `fake`, on a fresh in-memory store.
pub async fn dashboard(
    fake: &moat_fake_discord::FakeDiscord,
    bot: TestBot,
    tweak: impl FnOnce(&mut moat_http::HttpConfig),
) -> Running {
    let store = moat_store::Store::open("sqlite::memory:").await.unwrap();
    dashboard_on(fake, bot, store, tweak).await
}

pub async fn dashboard_on(
    fake: &moat_fake_discord::FakeDiscord,
    bot: TestBot,
    store: moat_store::Store,
    tweak: impl FnOnce(&mut moat_http::HttpConfig),
) -> Running {
    dashboard_recorded(fake, bot, store, None, tweak).await
}

/// [`dashboard_on`], with `recordings` (a `--record` directory) to try settings on.
pub async fn dashboard_recorded(
    fake: &moat_fake_discord::FakeDiscord,
    bot: TestBot,
    store: moat_store::Store,
    recordings: Option<std::path::PathBuf>,
    tweak: impl FnOnce(&mut moat_http::HttpConfig),
) -> Running {
    let bot = Arc::new(bot);
    let sources = moat_http::Sources::new(store, bot.clone()).with_recordings(recordings);
    let mut cfg = moat_http::HttpConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        discord_url: fake.rest_url(),
        client_id: fake.options().application_id,
        client_secret: "fake-client-secret".into(),
        ..moat_http::HttpConfig::default()
    };
    tweak(&mut cfg);
    let (dash, addr, _task) =
        moat_http::serve(sources.clone(), Arc::new(moat_http::Metrics::new()), cfg).await.unwrap();
    Running { base: format!("http://{addr}"), dash, sources, bot }
}

/// Logs `browser` in as `user` through the fake's OAuth2 pages; returns where it landed.
pub async fn login(browser: &Browser, fake: &moat_fake_discord::FakeDiscord, base: &str, user: u64) -> (Reply, String) {
    let r = browser.get(&format!("{}/login?user={user}", fake.rest_url())).await;
    assert!(r.status < 400, "the fake knows user {user}");
    browser.follow(&format!("{base}/auth/start")).await
}

/// The value of a hidden `csrf` field on a page.
pub fn csrf(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[i..].split('"').next().unwrap().to_string()
}

/// Records a raid in `guild`: a lockdown, `n` members banned with one message of evidence,
/// a flag; returns its incident id.
pub async fn record_raid(store: &moat_store::Store, guild: u64, n: u64, ts: u64) -> IncidentId {
    use moat_core::evidence::{Evidence, EvidenceMessage};
    use moat_core::id::{ChannelId, MessageId, UserId};
    use moat_core::{Action, ActionKind, Detector};
    let g = GuildId(guild);
    let inc = IncidentId(guild % 1_000_000 * 1000 + ts % 1000 + 1);
    store.guild_joined(g, ts).await.unwrap();
    let users: Vec<UserId> = (0..n).map(|i| UserId(500_000 + i)).collect();
    let ev = Evidence {
        messages: vec![EvidenceMessage {
            message_id: MessageId(77),
            channel_id: ChannelId(5),
            author_id: users[0],
            ts,
            content: "@everyone free nitro at discord-gift.example".into(),
            attachment_urls: vec![],
        }],
        facts: vec![("joins".into(), n.to_string())],
    };
    let actions = vec![
        Action::new(ts, g, ActionKind::Lockdown, Detector::Raid, format!("raid: {n} joins in 60 s")).incident(inc),
        Action::new(ts + 1, g, ActionKind::Ban, Detector::Raid, format!("raid: {n} joins in 60 s, mean suspicion 0.8"))
            .incident(inc)
            .users(users.clone())
            .evidence(ev),
    ];
    store.record(&actions).await.unwrap();
    inc
}
