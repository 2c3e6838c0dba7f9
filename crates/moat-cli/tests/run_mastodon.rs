//! `moat run` guarding a Mastodon server, as an admin runs it: the real binary as a child
//! process, a config file with only `[mastodon]` (no Discord token anywhere), secrets in
//! environment variables, against the fake Mastodon on loopback. The fake plays a spam wave
//! amid real sign-ups, a long thread and a remote bot (20 minutes on the fake's clock, seconds
//! of wall time), and delivers one webhook with a bad signature. Then: every spammer is
//! silenced, suspended or held, nobody real is touched, the wave's networks are behind
//! approval, the bad delivery was refused and counted, SIGTERM stops moat with exit code 0,
//! and the store holds the wave as an incident that names the accounts as Mastodon does.

use std::collections::HashSet;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use moat_clock::Clock;
use moat_core::time::MINUTE;
use moat_fake_mastodon::{FakeMastodon, Options, Pace, RateLimits, Signature, Webhook, DEFAULT_TOKEN};
use moat_testkit::fedi::{crowd, wave, world::FediWorld};

const T0: u64 = 1_707_991_200_000;
const SECRET: &str = "a-webhook-secret-of-some-length";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn stop(child: &mut Child) -> (Option<i32>, String) {
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("moat run did not stop within 60 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    child.stderr.take().expect("piped").read_to_string(&mut err).expect("stderr");
    (status.code(), err)
}

fn acted(summary: &serde_json::Value) -> HashSet<String> {
    ["silence", "suspend", "reject"]
        .iter()
        .flat_map(|k| summary["actions"][k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moat_run_guards_a_mastodon_server_without_discord() {
    let mut w = FediWorld::new(23);
    let c = crowd::community(&mut w, T0, 10);
    crowd::chat(&mut w, &c, T0, 25 * MINUTE);
    crowd::thread_reply(&mut w, &c, T0 + MINUTE);
    crowd::remote_bot(&mut w, T0, 25 * MINUTE);
    let real = crowd::news_signups(&mut w, &c, T0, 15);
    let shape = wave::WaveShape {
        accounts: 40,
        over: 20 * MINUTE,
        mentions: (6, 12),
        remote_share: 0.3,
        posts_per_account: (1, 3),
    };
    let spam = wave::wave(&mut w, &c, T0 + 2 * MINUTE, &shape);
    let capture = w.capture();

    let hook_port = free_port();
    let mut opts = Options { clock: Clock::scaled(T0, 300.0), ..Options::default() };
    opts.rate_limits = RateLimits { per_token: 300, unauthenticated: 300, window_ms: 300_000 };
    opts.webhook = Some(Webhook {
        url: format!("http://127.0.0.1:{hook_port}/mastodon/webhook"),
        secret: SECRET.into(),
        events: Vec::new(),
    });
    let fake = FakeMastodon::start(opts).await.expect("the fake starts");

    let dir = std::env::temp_dir().join(format!("moat-run-mastodon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("moat.toml");
    let db = dir.join("moat.db");
    let _ = std::fs::remove_file(&db);
    std::fs::write(
        &config,
        format!(
            "[[mastodon.servers]]\nurl = \"{}\"\ntoken_env = \"MOAT_TEST_MASTODON_TOKEN\"\n\
             webhook_listen = \"127.0.0.1:{hook_port}\"\nwebhook_secret_env = \"MOAT_TEST_WEBHOOK_SECRET\"\n\
             admin_accounts = [\"admin\"]\n",
            fake.base_url()
        ),
    )
    .expect("config written");
    let mut child = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["run", "--config", config.to_str().unwrap(), "--database", db.to_str().unwrap()])
        // Discord-only flags: not used without a bot, and said so.
        .args(["--http", "127.0.0.1:0", "--gateway-url", "ws://127.0.0.1:9", "--shards", "0..1"])
        .env_remove("DISCORD_TOKEN")
        .env_remove("MOAT_DATABASE")
        .env("MOAT_TEST_MASTODON_TOKEN", DEFAULT_TOKEN)
        .env("MOAT_TEST_WEBHOOK_SECRET", SECRET)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("moat run starts");

    assert!(fake.wait_streams(1, Duration::from_secs(60)).await, "moat run opened the stream");
    let listening = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", hook_port)).is_err() {
        assert!(Instant::now() < listening, "moat run listens for webhooks");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(fake.send_webhook("account.created", "{\"event\":\"account.created\"}", Signature::Bad), 1);
    let played = fake.play(&capture, Pace::Clock).await;
    assert_eq!(played.bad_lines, 0);
    assert!(fake.wait_webhooks(Duration::from_secs(60)).await, "every webhook delivered");

    // Wait (generously: the machine is shared) until every spammer is contained.
    let contained = |fake: &FakeMastodon| {
        let done = acted(&fake.summary());
        spam.iter().all(|id| {
            let id = id.to_string();
            done.contains(&id) || fake.world().account(&id).is_some_and(|a| !a.approved) || fake.world().is_gone(&id)
        })
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    while !contained(&fake) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (code, log) = stop(&mut child);
    assert_eq!(code, Some(0), "SIGTERM stops moat cleanly:\n{log}");
    assert!(!log.contains(DEFAULT_TOKEN) && !log.contains(SECRET), "no secret in the log");
    assert!(contained(&fake), "every spammer contained:\n{}\n{log}", fake.summary());

    let s = fake.summary();
    let done = acted(&s);
    for id in real.iter().chain(c.locals.iter()).chain(c.remotes.iter()) {
        assert!(!done.contains(&id.to_string()), "{id} untouched");
    }
    let ips = s["ip_blocks"].as_array().cloned().unwrap_or_default();
    assert!(!ips.is_empty(), "the wave's networks put behind approval: {s}");
    assert!(
        log.lines().any(|l| l.contains("refused for a bad signature") && !l.contains(" 0 refused")),
        "the bad signature is refused and counted:\n{log}"
    );
    assert!(log.contains("platform=\"mastodon\"") || log.contains("platform=mastodon"), "actions logged:\n{log}");
    for flag in ["--http", "--gateway-url", "--shards"] {
        let warned = format!("warning: {flag} is not used");
        assert!(log.lines().any(|l| l.contains(&warned)), "{flag} named as unused:\n{log}");
    }
    assert!(!log.contains("warning: --rest-proxy"), "only the flags given are named:\n{log}");

    // The store holds the wave: `moat incidents list` shows it.
    let list = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["incidents", "list", "--json", "--database", db.to_str().unwrap()])
        .env_remove("MOAT_DATABASE")
        .output()
        .expect("moat incidents runs");
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let incidents: serde_json::Value = serde_json::from_slice(&list.stdout).expect("JSON");
    assert!(!incidents.as_array().expect("a list").is_empty(), "the wave is recorded: {incidents}");
    undo_through_the_binary(&fake, &config, &db, &incidents, &spam);
    let tail: Vec<&str> = log.lines().rev().take(4).collect();
    eprintln!("moat run: {} spammers contained, {} IP blocks; {:?}", spam.len(), ips.len(), tail);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `moat incidents undo ID --config ...` on the wave's incident: every account of it free
/// again on the fake (unsilenced, unsuspended), the blocks lifted, the incident marked undone
/// by `--by`; a second undo is refused.
fn undo_through_the_binary(
    fake: &FakeMastodon,
    config: &std::path::Path,
    db: &std::path::Path,
    incidents: &serde_json::Value,
    spam: &[u64],
) {
    let wave: Vec<&serde_json::Value> =
        incidents.as_array().unwrap().iter().filter(|i| i["members"].as_u64() > Some(0)).collect();
    assert!(!wave.is_empty(), "an incident with members: {incidents}");
    let limited = |s: &serde_json::Value| -> Vec<String> {
        ["silenced", "suspended"]
            .iter()
            .flat_map(|k| s[k].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    assert!(!limited(&fake.summary()).is_empty(), "accounts limited before the undo");
    let undo = |id: &str| {
        Command::new(env!("CARGO_BIN_EXE_moat"))
            .args(["incidents", "undo", id, "--by", "alice", "--config", config.to_str().unwrap()])
            .args(["--database", db.to_str().unwrap()])
            .env_remove("MOAT_DATABASE")
            .env_remove("MOAT_TEST_WEBHOOK_SECRET")
            .env("MOAT_TEST_MASTODON_TOKEN", DEFAULT_TOKEN)
            .output()
            .expect("moat incidents undo runs")
    };
    let no_config = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["incidents", "undo", &wave[0]["incident"].to_string(), "--database", db.to_str().unwrap()])
        .env_remove("MOAT_DATABASE")
        .output()
        .expect("moat incidents undo runs");
    let err = String::from_utf8_lossy(&no_config.stderr);
    assert_eq!(no_config.status.code(), Some(1), "a Mastodon undo without --config is refused: {err}");
    assert!(err.contains("--config") && err.contains("Mastodon"), "{err}");
    for inc in &wave {
        let id = inc["incident"].to_string();
        let out = undo(&id);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "undo {id}: {stdout}{stderr}");
        assert!(stdout.contains("recorded as by alice") && stdout.contains("0 failed"), "{stdout}");
        assert!(!stdout.contains(DEFAULT_TOKEN) && !stderr.contains(DEFAULT_TOKEN), "no token printed");
        eprintln!("{}", stdout.lines().next().unwrap_or(""));
    }
    let after = fake.summary();
    let spam: Vec<String> = spam.iter().map(u64::to_string).collect();
    let still: Vec<String> = limited(&after).into_iter().filter(|a| spam.contains(a)).collect();
    assert!(still.is_empty(), "every account of the wave free again: {still:?}\n{after}");
    let freed: usize =
        ["unsilence", "unsuspend"].iter().map(|k| after["actions"][k].as_array().map_or(0, Vec::len)).sum();
    assert!(freed > 0, "the fake saw unsilence/unsuspend: {after}");
    assert!(after["ip_blocks"].as_array().unwrap().is_empty(), "the wave's IP blocks lifted: {after}");
    assert!(after["email_domain_blocks"].as_array().unwrap().is_empty(), "the mail domain blocks lifted: {after}");
    let show = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["incidents", "show", &wave[0]["incident"].to_string(), "--json", "--database", db.to_str().unwrap()])
        .env_remove("MOAT_DATABASE")
        .output()
        .expect("moat incidents show runs");
    let shown: serde_json::Value = serde_json::from_slice(&show.stdout).expect("JSON");
    assert!(shown["undone_at"].is_u64(), "{shown}");
    assert!(shown["undone_by"].as_str().is_some_and(|b| b.contains("alice")), "{shown}");
    let again = undo(&wave[0]["incident"].to_string());
    assert_eq!(again.status.code(), Some(1), "a second undo is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already undone"), "{again:?}");
}

/// `--dry-run` with `[mastodon]` configured is refused before anything starts: the Mastodon
/// servers have no dry run, and would act for real.
#[test]
fn dry_run_with_mastodon_is_refused() {
    let dir = std::env::temp_dir().join(format!("moat-run-mastodon-dry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("moat.toml");
    std::fs::write(&config, "[[mastodon.servers]]\nurl = \"http://127.0.0.1:9\"\ntoken_env = \"MOAT_TEST_NO_TOKEN\"\n")
        .expect("config written");
    let out = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["run", "--dry-run", "--config", config.to_str().unwrap()])
        .env_remove("DISCORD_TOKEN")
        .output()
        .expect("moat run starts");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--dry-run") && err.contains("act for real"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
