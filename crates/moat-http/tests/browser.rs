//! The dashboard in a real browser (Debian's headless Chromium through ChromeDriver, driven
//! by fantoccini), in front of the real bot playing against the fake Discord: log in through
//! the fake's OAuth2, watch a raid arrive live on the overview, open its incident, press
//! undo and see the unbans reach Discord with the moderator's name, change a setting and
//! see a bad value refused with its reason, and check that a second moderator cannot open
//! the first one's guild. Every run takes screenshots of every page, at laptop and phone
//! widths, into a temporary directory; `MOAT_SCREENSHOTS=docs` (a directory, relative to the
//! repository root) also writes them there, which is how `docs/` is regenerated. A plain
//! run leaves the tracked files alone.
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` this prints `SKIPPED:` with how
//! to install them (`.ci/browser-deps`); under `CI=true` it fails instead.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use moat_fake_discord::OAuthUser;
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

/// Where this run's screenshots go: always a fresh temporary directory, and the directory
/// `MOAT_SCREENSHOTS` names (relative to the repository root) when it is set.
fn shot_dirs() -> Vec<PathBuf> {
    let tmp = std::env::temp_dir().join(format!("moat-http-shots-{}", std::process::id()));
    let mut dirs = vec![tmp];
    if let Some(d) = std::env::var_os("MOAT_SCREENSHOTS").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(d));
    }
    dirs
}

/// Saves the page at laptop and phone widths as `dashboard-NAME-{desktop,phone}.png`, and
/// checks each is a real picture of the page.
async fn shoot(c: &Client, name: &str) {
    for (w, h, tag) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        // The whole page, not only what fits the window: lay it out at this width, then make
        // the window as tall as the page (bounded).
        c.set_window_size(w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let tall = c.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap();
        let tall = tall.as_u64().unwrap_or(u64::from(h)).clamp(u64::from(h), 2_400) as u32;
        c.set_window_size(w, tall + 140).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = c.screenshot().await.unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 5_000,
            "{name} {tag}: not a screenshot ({} bytes)",
            png.len()
        );
        for dir in shot_dirs() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("dashboard-{name}-{tag}.png")), &png).unwrap();
        }
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
        if !t.trim().is_empty() && t.to_lowercase().contains(&want.to_lowercase()) {
            return t;
        }
        assert!(Instant::now() < deadline, "`{css}` never showed `{want}` (last: `{t}`)");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until an element matching `css` is on the page.
async fn wait_for(c: &Client, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while c.find(Locator::Css(css)).await.is_err() {
        assert!(Instant::now() < deadline, "`{css}` never appeared");
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
    // A regular gets excited as the raid ends: four quick lines, under the limit.
    let regular = c.account(t0, 400 * 86_400_000);
    for k in 0..4u64 {
        let text = format!("wow look at all of them {k}");
        c.say(t0 + 58_000 + k * 400, regular, "excited_regular", t0 - 300 * 86_400_000, 2, &text, &[]);
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
    // The guild's traffic, recorded as `moat run --record DIR` keeps it (the same raid,
    // filed under an earlier day; a recording holds its own guild's events).
    let recordings = std::env::temp_dir().join(format!("moat-http-browser-rec-{}", std::process::id()));
    std::fs::create_dir_all(recordings.join(guild.to_string())).unwrap();
    std::fs::write(recordings.join(guild.to_string()).join("2026-11-30.jsonl"), &capture).unwrap();
    let file = "[raid]\naction = \"ban\"\n";
    let lb = common::live::LiveBot::start(users, file, "browser", Some(recordings.clone()), |_| {}).await;
    let (fake, bot, base) = (&lb.fake, &lb.bot, lb.base.clone());

    // The guild becomes known before the raid: play its set-up and the chat first.
    let (before, during) = common::live::split_at_first_join(&capture);
    lb.play(&before).await;

    // Ann logs in through the fake Discord: one click.
    let c = browser(port).await;
    c.goto(&format!("{}/login?user={ANN}", fake.rest_url())).await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    shoot(&c, "login").await;
    c.find(Locator::Css("#login")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#mode", "normal", 10).await;
    assert!(c.current_url().await.unwrap().path().ends_with(&format!("/g/{guild}")));
    // The page's event stream is open before the raid starts (the script marks the body):
    // a raid played earlier would only show on the next nudge.
    wait_for(&c, "body.connected", 20).await;

    // The raid arrives while the overview is open: it changes without a reload.
    lb.play(&during).await;
    assert!(bot.wait_idle(Duration::from_millis(400), Duration::from_secs(60)).await);
    wait_text(&c, "#mode", "raid", 15).await;
    wait_text(&c, "#recent", "raid", 10).await;
    // The regular is under pressure, by name, from the engine's own state.
    wait_text(&c, "#pressure", "excited_regular", 15).await;
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

    // Try a change on yesterday's recording before saving it: kicks instead of bans.
    let field = c.find(Locator::Css("#k-raid-action input[name=value]")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("\"kick\"").await.unwrap();
    c.find(Locator::Css("#k-raid-action button.try")).await.unwrap().click().await.unwrap();
    let trial = wait_text(&c, "#trial", "Tried on 2026-11-30", 60).await;
    assert!(trial.contains("Would not have been done") && trial.contains("Would have been done too"), "{trial}");
    let removed = text_of(&c, "#trial-removed").await;
    assert!(removed.contains("ban") && removed.contains("raid"), "{removed}");
    assert!(text_of(&c, "#trial-added").await.contains("kick"));
    shoot(&c, "settings-trial").await;

    // The link checker.
    c.goto(&format!("{base}/g/{guild}/links")).await.unwrap();
    c.find(Locator::Css("#text"))
        .await
        .unwrap()
        .send_keys("free nitro [steamcommunity.com/gift](https://steamcommunlty.ru/gift) @everyone")
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit].primary")).await.unwrap().click().await.unwrap();
    // The answer is a new page: wait until its verdict is there and says something (the
    // old wait took the form page, which has no verdict, for an empty one: the flake).
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
    lb.stop().await;
    let _ = std::fs::remove_dir_all(&recordings);
}
