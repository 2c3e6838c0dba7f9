//! From zero to a guarded server, as an operator types it: `moat invite-url`, `moat doctor`
//! against the fake Discord (exit 0 when ready, 1 with what to fix), and `moat run`'s first
//! words when the token is wrong or nothing answers.

use std::process::{Command, Output};

use moat_fake_discord::{FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use moat_testkit::fixture::{Capture, T0};
use moat_testkit::payload::perms;

fn moat(args: &[&str], token: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_moat"));
    c.args(args).env_remove("DISCORD_TOKEN").env_remove("MOAT_DATABASE").env("RUST_LOG", "error");
    if let Some(t) = token {
        c.env("DISCORD_TOKEN", t);
    }
    c.output().expect("moat runs")
}

async fn moat_async(args: Vec<String>, token: Option<&'static str>) -> Output {
    tokio::task::spawn_blocking(move || moat(&args.iter().map(String::as_str).collect::<Vec<_>>(), token))
        .await
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const INVITE: u64 = 1_099_511_639_078; // View, Send, Manage Messages, Timeout, Kick, Ban, Manage Server

#[test]
fn invite_url_asks_for_exactly_what_moat_uses() {
    let o = moat(&["invite-url", "--client-id", "42"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o).trim(),
        format!(
            "https://discord.com/oauth2/authorize?client_id=42&scope=bot%20applications.commands&permissions={INVITE}"
        )
    );
    assert!(err(&o).contains("ban raiders"), "{}", err(&o));

    // The client id from the token's first part (base64 of the bot's id).
    let o = moat(&["invite-url"], Some("MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret"));
    assert!(out(&o).contains("client_id=123456789012345678&"), "{}", out(&o));
    assert!(!out(&o).contains("secret") && !err(&o).contains("secret"), "the token is never printed");

    let o = moat(&["invite-url"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("give --client-id"), "{}", err(&o));

    // A silence role needs Manage Roles too.
    let dir = std::env::temp_dir().join(format!("moat-invite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("moat.toml");
    std::fs::write(&file, "[escalation]\ncontainment = \"silence\"\nsilence_role_id = 77\n").unwrap();
    let o = moat(&["invite-url", "--client-id", "42", "--config", file.to_str().unwrap()], None);
    assert!(out(&o).ends_with(&format!("permissions={}\n", INVITE | (1 << 28))), "{}{}", out(&o), err(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

async fn fake_with(opts: Options, bot_perms: u64, position: i64) -> FakeDiscord {
    let fake = FakeDiscord::start(opts).await.expect("fake starts");
    fake.play(&Capture::new(T0, bot_perms, position).finish(), Pace::Fast).await;
    fake
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_ready_or_what_to_fix_with_its_exit_code() {
    let ready = fake_with(Options::default(), INVITE, 7).await;
    let o = moat_async(vec!["doctor".into(), "--rest-proxy".into(), ready.rest_proxy()], Some(DEFAULT_TOKEN)).await;
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("server Demo Garden (") && out(&o).contains("ready"), "{}", out(&o));
    assert!(out(&o).contains("alerts go to #mod-log"), "{}", out(&o));

    let mut opts = Options::default();
    opts.gateway.privileged_intents = 1 << 15; // Message Content only
    let broken = fake_with(opts, perms::MEMBER | perms::MANAGE_MESSAGES, 1).await;
    let o = moat_async(vec!["doctor".into(), "--rest-proxy".into(), broken.rest_proxy()], Some(DEFAULT_TOKEN)).await;
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    let text = out(&o);
    assert!(text.contains("MISSING: the Server Members intent is off"), "{text}");
    assert!(!text.contains("Message Content intent is off"), "{text}");
    assert!(text.contains("\"Timeout Members\"") && text.contains("Drag moat's role above Members"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_says_what_is_wrong_in_words() {
    let fake = fake_with(Options::default(), perms::ADMINISTRATOR, 7).await;
    let db = std::env::temp_dir().join(format!("moat-run-words-{}.db", std::process::id()));
    let base = |rest: String| {
        vec![
            "run".to_string(),
            "--gateway-url".into(),
            fake.gateway_url(),
            "--rest-proxy".into(),
            rest,
            "--database".into(),
            format!("sqlite://{}?mode=rwc", db.display()),
        ]
    };
    let o = moat_async(base(fake.rest_proxy()), Some("a-wrong-token")).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("Discord rejected the token (401): check DISCORD_TOKEN"), "{}", err(&o));
    assert!(!err(&o).contains("a-wrong-token"), "the token is never printed: {}", err(&o));

    let o = moat_async(base("127.0.0.1:1".into()), Some(DEFAULT_TOKEN)).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("connection refused at 127.0.0.1:1 (is "), "{}", err(&o));
    assert!(!db.exists(), "nothing is created before the token is known to work");
}
