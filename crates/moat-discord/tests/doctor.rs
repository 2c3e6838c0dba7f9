//! `moat doctor` against the fake Discord: a server set up as the README says is ready; one
//! with the intents off, too few permissions and moat's role below the members is told each
//! thing to fix; a wrong token and a fake that is not running are said in plain words.

use moat_discord::doctor::{doctor, Report};
use moat_discord::{BotConfig, Clock};
use moat_fake_discord::{FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use moat_testkit::fixture::{Capture, T0};
use moat_testkit::payload::perms;

async fn fake_with(opts: Options, bot_perms: u64, bot_position: i64) -> FakeDiscord {
    let fake = FakeDiscord::start(opts).await.expect("fake starts");
    let capture = Capture::new(T0, bot_perms, bot_position).finish();
    fake.play(&capture, Pace::Fast).await;
    fake
}

fn cfg(fake: &FakeDiscord, token: &str) -> BotConfig {
    BotConfig::loopback(token, fake.gateway_url(), fake.rest_proxy(), Clock::Shared(fake.clock()))
}

async fn run(fake: &FakeDiscord) -> Report {
    doctor(&cfg(fake, DEFAULT_TOKEN), &moat_core::Config::from_toml("").unwrap()).await.expect("doctor runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_set_up_as_the_readme_says_is_ready() {
    let invite = moat_discord::setup::invite_permissions(false).bits();
    let fake = fake_with(Options::default(), invite, 7).await;
    let r = run(&fake).await;
    assert_eq!(r.intents, Vec::<String>::new());
    assert_eq!(r.guilds.len(), 1);
    assert_eq!(r.guilds[0].problems, Vec::<String>::new(), "{}", r.render());
    assert_eq!(r.guilds[0].alert_channel.as_deref(), Some("#mod-log"));
    assert!(r.ok());
    assert!(r.render().contains("server Demo Garden ("), "{}", r.render());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_missing_thing_is_named_with_what_to_do() {
    let mut opts = Options::default();
    opts.gateway.privileged_intents = 0;
    // Only Manage Messages, and moat's role sits below Members (at 2).
    let fake = fake_with(opts, perms::MEMBER | perms::MANAGE_MESSAGES, 1).await;
    let r = run(&fake).await;
    assert!(!r.ok());
    assert_eq!(r.intents.len(), 2, "{:?}", r.intents);
    assert!(r.intents[0].contains("Server Members intent is off") && r.intents[1].contains("Message Content"));
    let p = r.guilds[0].problems.join("\n");
    for want in ["\"Timeout Members\"", "\"Ban Members\"", "\"Kick Members\"", "\"Manage Server\"", "below Members"] {
        assert!(p.contains(want), "{want} missing from:\n{p}");
    }
    assert!(!p.contains("\"Manage Messages\""), "it has that one:\n{p}");
    assert!(p.contains("Drag moat's role above Members"), "{p}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_and_a_stopped_endpoint_read_well() {
    let fake = fake_with(Options::default(), perms::ADMINISTRATOR, 7).await;
    let config = moat_core::Config::from_toml("").unwrap();
    let err = doctor(&cfg(&fake, "not-the-token"), &config).await.expect_err("401");
    assert!(err.starts_with("Discord rejected the token (401): check DISCORD_TOKEN"), "{err}");
    let mut gone = cfg(&fake, DEFAULT_TOKEN);
    gone.rest_proxy = Some("127.0.0.1:1".into());
    let err = doctor(&gone, &config).await.expect_err("nothing listens there");
    assert!(err.starts_with("connection refused at 127.0.0.1:1 (is "), "{err}");
}
