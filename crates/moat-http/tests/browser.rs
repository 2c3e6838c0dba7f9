//! The dashboard in a real browser (Debian's headless Chromium through ChromeDriver, driven
//! by fantoccini), in front of the real bot playing against the fake Discord: log in through
//! the fake's OAuth2, watch a raid arrive live on the overview, open its incident, press
//! undo and see the unbans reach Discord with the moderator's name, change a setting and
//! see a bad value refused with its reason, and check that a second moderator cannot open
//! the first one's guild. Screenshots of every page, at laptop and phone widths, go to
//! `docs/` (the README shows two of them).
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` this prints `SKIPPED:` with how
//! to install them (`.ci/browser-deps`); under `CI=true` it fails instead.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use moat_core::{Config, Engine};
use moat_discord::{Bot, BotConfig, Clock};
use moat_fake_discord::{FakeDiscord, OAuthOptions, OAuthUser, Options, Pace, DEFAULT_TOKEN};
use moat_http::{HttpConfig, Metrics, Sources};
use moat_store::Store;
use moat_testkit::fixture::Capture;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// ChromeDriver on a free port, or `None` (after saying why) when it is not installed.
async fn driver() -> Option<(Driver, u16)> {
    if !(std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists()) {
        let why = format!("browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `.ci/browser-deps` (apt-get install chromium chromium-driver)");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        eprintln!("\nSKIPPED: {why}\n");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let d = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some((d, port))
}

async fn browser(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": CHROMIUM, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900", "--hide-scrollbars"]}),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session")
}

fn docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// Saves the page at laptop and phone widths as `docs/dashboard-NAME-{desktop,phone}.png`.
async fn shoot(c: &Client, name: &str) {
    std::fs::create_dir_all(docs()).unwrap();
    for (w, h, tag) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        c.set_window_size(w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = c.screenshot().await.unwrap();
        std::fs::write(docs().join(format!("dashboard-{name}-{tag}.png")), png).unwrap();
    }
    c.set_window_size(1280, 900).await.unwrap();
}

async fn text_of(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn wait_text(c: &Client, css: &str, want: &str, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let t = text_of(c, css).await;
        if t.to_lowercase().contains(&want.to_lowercase()) {
            return t;
        }
        assert!(Instant::now() < deadline, "`{css}` never showed `{want}` (last: `{t}`)");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const ANN: u64 = 9001;
const BOB: u64 = 9002;

/// Chat, then a raid of 24 fresh accounts, starting at `t0`.
fn raid(t0: u64) -> (u64, String) {
    let mut c = Capture::standard(t0);
    c.chatter(t0, 40, 5);
    for i in 0..24u64 {
        let at = t0 + 20_000 + i * 1_500;
        let u = c.account(at, 2 * 3_600_000 + i * 60_000);
        c.join(at, u, &format!("free_nitro_{i:03}"), false);
        if i % 3 == 0 {
            c.say(at + 500, u, &format!("free_nitro_{i:03}"), at, 1, "JOIN NOW discord.gg/raidparty @everyone", &[]);
        }
    }
    let g = c.ids.guild;
    (g, c.finish())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_watches_a_raid_undoes_it_and_changes_a_setting() {
    let Some((_driver, port)) = driver().await else { return };
    let t0 = moat_http::server::wall_ms() - 90_000;
    let (guild, capture) = raid(t0);
    let users = vec![
        OAuthUser::new(ANN, "ann").in_guild(guild, true, 0),
        OAuthUser::new(BOB, "bob").in_guild(guild, false, 1 << 10),
    ];
    let fake =
        FakeDiscord::start(Options { oauth: OAuthOptions { users, ..OAuthOptions::default() }, ..Options::default() })
            .await
            .unwrap();
    let db = std::env::temp_dir().join(format!("moat-http-browser-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = Store::open(&format!("sqlite://{}?mode=rwc", db.display())).await.unwrap();
    let file = "[raid]\naction = \"ban\"\n";
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
    let sources = Sources::new(store.clone(), Arc::new(handle.clone()));
    handle.follow_events(sources.live.clone());
    let metrics = Arc::new(Metrics::new());
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
    let (dash, addr, _task) = moat_http::serve(sources, metrics, http).await.unwrap();
    let base = format!("http://{addr}");
    assert!(fake.wait_sessions(1, Duration::from_secs(10)).await);
    dash.set_ready(true);

    // The guild becomes known before the raid: play its set-up and the chat first.
    let lines: Vec<&str> = capture.lines().collect();
    let split = lines.iter().position(|l| l.contains("GUILD_MEMBER_ADD")).unwrap_or(lines.len());
    let (before, during) = (lines[..split].join("\n"), lines[split..].join("\n"));
    let lockstep = || Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) };
    fake.play(&before, lockstep()).await;

    // Ann logs in through the fake Discord: one click.
    let c = browser(port).await;
    c.goto(&format!("{}/login?user={ANN}", fake.rest_url())).await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    shoot(&c, "login").await;
    c.find(Locator::Css("#login")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#mode", "normal", 10).await;
    assert!(c.current_url().await.unwrap().path().ends_with(&format!("/g/{guild}")));

    // The raid arrives while the overview is open: it changes without a reload.
    fake.play(&during, lockstep()).await;
    assert!(bot.wait_idle(Duration::from_millis(400), Duration::from_secs(60)).await);
    wait_text(&c, "#mode", "raid", 15).await;
    wait_text(&c, "#recent", "raid", 10).await;
    shoot(&c, "overview-raid").await;

    // The incident: members, timeline, evidence.
    c.goto(&format!("{base}/g/{guild}/incidents?kind=raid")).await.unwrap();
    shoot(&c, "incidents").await;
    c.find(Locator::Css("table.incidents tbody a")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#members", "Members (", 5).await;
    let timeline = text_of(&c, "#timeline").await;
    assert!(timeline.contains("ban") && timeline.contains("raid"), "{timeline}");
    shoot(&c, "incident").await;
    let banned: usize = fake.world().guilds.get(&guild).map_or(0, |g| g.bans.len());
    assert!(banned >= 20, "the raid was banned ({banned})");

    // Undo: the unbans reach Discord with Ann's name in the audit log.
    fake.clear_calls();
    c.find(Locator::Css("#undo-button")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#undone", "ann", 20).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake.world().guilds.get(&guild).map_or(0, |g| g.bans.len()) > 0 {
        assert!(Instant::now() < deadline, "the bans were lifted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let unbans: Vec<_> =
        fake.calls().into_iter().filter(|k| k.method == "DELETE" && k.path.contains("/bans/")).collect();
    assert_eq!(unbans.len(), banned, "one unban a banned member");
    assert!(unbans
        .iter()
        .all(|k| k.reason.as_deref().is_some_and(|r| r.contains("ann") && r.contains(&ANN.to_string()))));
    shoot(&c, "incident-undone").await;

    // A bad value is refused, naming the key and the reason; a good one is kept with who.
    c.goto(&format!("{base}/g/{guild}/settings")).await.unwrap();
    let field = c.find(Locator::Css("#k-raid-raid_mean_suspicion input[name=value]")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("2.0").await.unwrap();
    c.find(Locator::Css("#k-raid-raid_mean_suspicion button")).await.unwrap().click().await.unwrap();
    let err = wait_text(&c, "#error", "raid_mean_suspicion", 10).await;
    assert!(err.contains("between 0 and 1"), "{err}");
    shoot(&c, "settings-refused").await;
    let field = c.find(Locator::Css("#k-pressure-limit input[name=value]")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("80").await.unwrap();
    c.find(Locator::Css("#k-pressure-limit button")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#notice", "pressure.limit", 10).await;
    wait_text(&c, "#history", "ann", 5).await;
    shoot(&c, "settings").await;

    // The link checker.
    c.goto(&format!("{base}/g/{guild}/links")).await.unwrap();
    c.find(Locator::Css("#text"))
        .await
        .unwrap()
        .send_keys("free nitro [steamcommunity.com/gift](https://steamcommunlty.ru/gift) @everyone")
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit].primary")).await.unwrap().click().await.unwrap();
    let v = wait_text(&c, "#verdict", "", 30).await;
    assert!(v.eq_ignore_ascii_case("scam") || v.eq_ignore_ascii_case("suspicious"), "{v}");
    shoot(&c, "links").await;

    // Bob, a plain member of this guild, cannot open it.
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{}/login?user={BOB}", fake.rest_url())).await.unwrap();
    c.delete_all_cookies().await.ok();
    c.goto(&format!("{}/login?user={BOB}", fake.rest_url())).await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("#login")).await.unwrap().click().await.unwrap();
    wait_text(&c, "main", "moat is in none of the servers you moderate", 10).await;
    c.goto(&format!("{base}/g/{guild}")).await.unwrap();
    wait_text(&c, "main", "Not one of your servers", 5).await;

    c.close().await.unwrap();
    bot.stop().await;
    let _ = std::fs::remove_file(&db);
}
