//! Webhooks through a receiver the test runs: signatures correct, wrong and missing, retries,
//! Mastodon's own `account.updated` after an action, and playback of a small capture.

mod common;

use std::time::Duration;

use common::{post_form, Receiver};
use moat_clock::Clock;
use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_fake_mastodon::{webhook, FakeMastodon, Options, Pace, Signature, Webhook, DEFAULT_TOKEN};
use serde_json::json;

const T0: u64 = 1_707_991_200_000;
const SECRET: &str = "a-webhook-secret-of-some-length";

async fn fake_for(r: &Receiver, clock: Clock, retries: u32) -> FakeMastodon {
    let hook = Webhook { url: r.url.clone(), secret: SECRET.into(), events: Vec::new() };
    FakeMastodon::start(Options { clock, webhook: Some(hook), webhook_retries: retries, ..Options::default() })
        .await
        .expect("starts")
}

fn capture() -> (String, Vec<String>) {
    let mut b = CaptureBuilder::new("fake.example");
    let a = b.signup(T0, "xkq3v9z2pl", "xkq3v9z2pl@spam.example", "198.51.100.7");
    let c = b.signup(T0 + 1_000, "carol", "carol@mail.example", "192.0.2.5");
    let remote = b.remote(T0 - 86_400_000 * 400, "newsbot", "far.example");
    let p1 =
        b.post(T0 + 2_000, &a, &Post { text: "@carol buy now", mentions: &[&c], ..Post::default() }).expect("post");
    let p2 = b.post(T0 + 3_000, &remote, &Post { text: "headline", ..Post::default() }).expect("post");
    (b.finish(), vec![a, c, remote, p1, p2])
}

#[tokio::test]
async fn a_signed_capture_plays_to_the_receiver_exactly_as_written() {
    let r = Receiver::start(SECRET, 0).await;
    let (text, ids) = capture();
    let fake = fake_for(&r, Clock::scaled(T0, 1000.0), 5).await;
    let report = fake.play(&text, Pace::Clock).await;
    assert!(fake.wait_webhooks(Duration::from_secs(10)).await);
    assert_eq!((report.lines, report.webhooks), (4, 3), "the remote post fires no webhook");
    let got = r.got();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|g| g.valid), "every signature checks out");
    assert!(got.iter().all(|g| g.content_type.as_deref() == Some("application/json")));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(got[0].body, lines[0], "the body is the line, byte for byte");
    assert_eq!(got[2].json()["event"], "status.created");
    assert_eq!(got[2].json()["object"]["id"], json!(ids[3]));
    let sig = got[0].signature.clone().expect("signed");
    assert!(sig.starts_with("sha256=") && sig[7..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(sig, webhook::sign(SECRET, lines[0].as_bytes()));
    // The accounts exist on the fake, so moat's calls on them work.
    assert!(fake.world().account(&ids[0]).is_some_and(|a| a.is_local()));
    assert!(fake.world().account(&ids[2]).is_some_and(|a| !a.is_local()));
    assert!(fake.clock().now_ms() >= T0 + 3_000, "the play followed the capture's times on the clock");
}

#[tokio::test]
async fn wrong_and_missing_signatures_are_sent_when_asked_and_refused_by_a_checking_receiver() {
    let r = Receiver::start(SECRET, 0).await;
    let fake = fake_for(&r, Clock::scaled(T0, 1000.0), 0).await;
    let body = r#"{"event":"report.created","created_at":"2024-02-15T10:00:00.000Z","object":{"id":"1"}}"#;
    fake.faults().bad_signature_next = 1;
    fake.faults().unsigned_next = 1;
    assert_eq!(fake.send_webhook("report.created", body, Signature::Good), 1);
    assert_eq!(fake.send_webhook("report.created", body, Signature::Good), 1);
    assert_eq!(fake.send_webhook("report.created", body, Signature::Good), 1);
    assert_eq!(fake.send_webhook("report.created", body, Signature::Bad), 1);
    assert!(fake.wait_webhooks(Duration::from_secs(10)).await);
    let got = r.got();
    let seen: Vec<(bool, bool)> = got.iter().map(|g| (g.signature.is_some(), g.valid)).collect();
    assert_eq!(seen, vec![(true, false), (false, false), (true, true), (true, false)]);
    let d = fake.deliveries();
    assert_eq!(d.iter().map(|d| d.status).collect::<Vec<_>>(), vec![Some(401), Some(401), Some(200), Some(401)]);
    let s = fake.summary();
    assert_eq!((s["webhooks"]["bad_signature"].clone(), s["webhooks"]["unsigned"].clone()), (json!(2), json!(1)));
}

#[tokio::test]
async fn failed_deliveries_are_retried_on_the_clock_and_duplicates_can_happen() {
    let r = Receiver::start(SECRET, 2).await;
    let fake = fake_for(&r, Clock::scaled(T0, 5000.0), 5).await;
    let body =
        r#"{"event":"account.approved","created_at":"2024-02-15T10:00:00.000Z","object":{"id":"1","username":"a"}}"#;
    fake.faults().duplicate_next = 1;
    assert_eq!(fake.send_webhook("account.approved", body, Signature::Good), 2);
    assert!(fake.wait_webhooks(Duration::from_secs(20)).await, "both copies finish after retries");
    let d = fake.deliveries();
    assert_eq!(d.iter().filter(|d| d.ok()).count(), 2);
    assert!(d.iter().any(|d| d.attempt == 1 && d.ok()), "a 500 is retried");
    let retry = d.iter().find(|d| d.attempt == 1).expect("a retry");
    let first = d.iter().find(|d| d.attempt == 0).expect("a first try");
    assert!(retry.at_ms >= first.at_ms + 15_000, "Sidekiq's first wait, on the fake's clock");
    assert_eq!(r.got().len(), 4);
}

#[tokio::test]
async fn an_admin_action_comes_back_as_account_updated_and_suspended_accounts_stop_posting() {
    let r = Receiver::start(SECRET, 0).await;
    let fake = fake_for(&r, Clock::manual(T0), 0).await;
    let mut b = CaptureBuilder::new("fake.example");
    let a = b.signup(T0, "xkq3v9z2pl", "x@spam.example", "198.51.100.7");
    b.post(T0 + 60_000, &a, &Post { text: "spam again", ..Post::default() });
    let text = b.finish();
    let (signup, post) = text.split_once('\n').expect("two lines");
    fake.play(signup, Pace::Fast).await;
    let resp =
        post_form(&fake, &format!("/api/v1/admin/accounts/{a}/action"), DEFAULT_TOKEN, "type=suspend&text=moat").await;
    assert_eq!(resp.status, 200);
    let report = fake.play(post, Pace::Fast).await;
    assert_eq!(report.suppressed, 1, "a suspended account's later post never happens");
    assert!(fake.wait_webhooks(Duration::from_secs(10)).await);
    let events: Vec<String> = r.got().iter().map(|g| g.json()["event"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(events, vec!["account.created", "account.updated"]);
    let updated = r.got()[1].json();
    assert_eq!(updated["object"]["suspended"], true);
    assert_eq!(updated["object"]["id"], json!(a));
}
