//! The streaming WebSocket with a real client: delivery exactly as Mastodon sends it, the
//! public/local/remote streams, refused tokens, and a dropped stream caught up from the
//! public timeline without losing a post.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{get, next_event, post_form, stream};
use futures_util::SinkExt;
use moat_clock::Clock;
use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_fake_mastodon::{FakeMastodon, Options, Pace, Webhook, DEFAULT_TOKEN};
use serde_json::{json, Value};
use tokio_websockets::Message;

const T0: u64 = 1_707_991_200_000;

async fn fake() -> FakeMastodon {
    FakeMastodon::start(Options { clock: Clock::manual(T0), ..Options::default() }).await.expect("starts")
}

fn url(fake: &FakeMastodon, stream: &str) -> String {
    format!("{}/api/v1/streaming?stream={stream}", fake.streaming_url())
}

/// `n` posts alternating between a remote bot and a local user, numbered from `from`, as
/// their stream messages (what a stream client sees); only the new lines.
fn posts(b: &mut CaptureBuilder, local: &str, remote: &str, from: usize, n: usize) -> String {
    let before = b.finish().lines().count();
    for i in from..from + n {
        let author = if i % 2 == 0 { remote } else { local };
        let text = format!("post {i}");
        b.post_streamed(T0 + 10_000 + i as u64 * 1000, author, &Post { text: &text, ..Post::default() });
    }
    b.finish().lines().skip(before).collect::<Vec<_>>().join("\n")
}

fn setup() -> (CaptureBuilder, String, String, String) {
    let mut b = CaptureBuilder::new("fake.example");
    let local = b.signup(T0, "carol", "carol@mail.example", "192.0.2.5");
    let remote = b.remote(T0 - 1_000_000_000, "newsbot", "far.example");
    let first = b.finish();
    (b, local, remote, first)
}

fn payload(ev: &Value) -> Value {
    serde_json::from_str(ev["payload"].as_str().expect("a string payload")).expect("a status")
}

#[tokio::test]
async fn updates_arrive_as_mastodon_sends_them_on_the_right_streams() {
    let fake = fake().await;
    let (mut b, local, remote, signup) = setup();
    fake.play(&signup, Pace::Fast).await;
    let mut all = stream(&url(&fake, "public"), DEFAULT_TOKEN).await;
    let mut remote_only = stream(&url(&fake, "public:remote"), DEFAULT_TOKEN).await;
    assert!(fake.wait_streams(2, Duration::from_secs(5)).await);
    let capture = posts(&mut b, &local, &remote, 0, 2);
    assert_eq!(fake.play(&capture, Pace::Fast).await.streamed, 3);
    let e0 = next_event(&mut all).await.expect("an event");
    assert_eq!(e0["stream"], json!(["public"]));
    assert_eq!(e0["event"], "update");
    let keys: Vec<&str> = e0.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(keys, vec!["stream", "event", "payload"]);
    let line0: Value = serde_json::from_str(capture.lines().next().expect("line")).expect("json");
    assert_eq!(e0["payload"], line0["payload"], "the payload string is passed on as it is");
    assert_eq!(payload(&next_event(&mut all).await.expect("an event"))["content"], "<p>post 1</p>");
    let r = next_event(&mut remote_only).await.expect("an event");
    assert_eq!(r["stream"], json!(["public:remote"]));
    assert_eq!(payload(&r)["account"]["acct"], "newsbot@far.example");
}

#[tokio::test]
async fn tokens_are_required_and_may_come_as_a_protocol_and_subscriptions_can_change() {
    let fake = fake().await;
    let path = "/api/v1/streaming?stream=public";
    let upgrade = |auth: Option<String>| {
        vec![
            ("connection", Some("Upgrade".to_string())),
            ("upgrade", Some("websocket".to_string())),
            ("sec-websocket-version", Some("13".to_string())),
            ("sec-websocket-key", Some("dGhlIHNhbXBsZSBub25jZQ==".to_string())),
            ("authorization", auth),
        ]
    };
    let r = common::send(fake.addr(), "GET", path, &upgrade(None), None).await;
    assert_eq!((r.status, r.header("x-error-message")), (401, Some("Missing access token")));
    let r = common::send(fake.addr(), "GET", path, &upgrade(Some("Bearer nope".into())), None).await;
    assert_eq!((r.status, r.header("x-error-message")), (401, Some("Invalid access token")));

    let proto = hyper::header::HeaderValue::from_static(moat_fake_mastodon::DEFAULT_TOKEN);
    let (mut ws, resp) = tokio_websockets::ClientBuilder::new()
        .uri(&format!("{}/api/v1/streaming", fake.streaming_url()))
        .expect("uri")
        .add_header(hyper::header::HeaderName::from_static("sec-websocket-protocol"), proto)
        .expect("header")
        .connect()
        .await
        .expect("a token as the protocol is accepted");
    assert_eq!(resp.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()), Some(DEFAULT_TOKEN));
    ws.send(Message::text(r#"{"type":"subscribe","stream":"hashtag:local"}"#)).await.expect("send");
    assert_eq!(next_event(&mut ws).await, Some(json!({"error": "Unknown stream type", "status": 400})));
    ws.send(Message::text(r#"{"type":"subscribe","stream":"public:local"}"#)).await.expect("send");
    let mut sent = 0;
    for _ in 0..100 {
        // The subscription is handled asynchronously: post until one lands.
        let r = post_form(&fake, "/api/v1/statuses", DEFAULT_TOKEN, "status=hello+world").await;
        assert_eq!(r.status, 200);
        sent += 1;
        if fake.summary()["stream"]["messages"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ev = next_event(&mut ws).await.expect("an event");
    assert_eq!(ev["stream"], json!(["public:local"]));
    assert_eq!(payload(&ev)["account"]["username"], "admin");
    assert!(sent >= 1);
}

#[tokio::test]
async fn a_dropped_stream_is_caught_up_from_the_public_timeline_without_losing_a_post() {
    let fake = fake().await;
    let (mut b, local, remote, signup) = setup();
    fake.play(&signup, Pace::Fast).await;
    let mut ws = stream(&url(&fake, "public"), DEFAULT_TOKEN).await;
    assert!(fake.wait_streams(1, Duration::from_secs(5)).await);
    let capture = posts(&mut b, &local, &remote, 0, 9);
    let lines: Vec<&str> = capture.lines().collect();
    fake.play(&lines[..3].join("\n"), Pace::Fast).await;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut last = String::new();
    for _ in 0..3 {
        let p = payload(&next_event(&mut ws).await.expect("an event"));
        last = p["id"].as_str().expect("id").to_string();
        seen.insert(last.clone());
    }

    fake.faults().stream_down = true;
    assert_eq!(fake.drop_streams(), 1);
    assert_eq!(next_event(&mut ws).await, None, "the connection ends");
    assert_eq!(fake.play(&lines[3..7].join("\n"), Pace::Fast).await.streamed, 0, "nobody is listening");
    let refused = common::send(
        fake.addr(),
        "GET",
        "/api/v1/streaming?stream=public",
        &[
            ("connection", Some("Upgrade".into())),
            ("upgrade", Some("websocket".into())),
            ("sec-websocket-key", Some("dGhlIHNhbXBsZSBub25jZQ==".into())),
            ("authorization", Some(format!("Bearer {DEFAULT_TOKEN}"))),
        ],
        None,
    )
    .await;
    assert_eq!(refused.status, 502, "the streaming server is down");
    fake.faults().stream_down = false;

    let mut ws = stream(&url(&fake, "public"), DEFAULT_TOKEN).await;
    assert!(fake.wait_streams(1, Duration::from_secs(5)).await);
    // Catch up: oldest first with min_id, two at a time, following the pages.
    let mut cursor = last.clone();
    loop {
        let page = get(&fake, &format!("/api/v1/timelines/public?min_id={cursor}&limit=2"), DEFAULT_TOKEN).await.json();
        let items = page.as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        for s in &items {
            seen.insert(s["id"].as_str().expect("id").to_string());
        }
        cursor = items[0]["id"].as_str().expect("newest first").to_string();
    }
    fake.play(&lines[7..].join("\n"), Pace::Fast).await;
    for _ in 0..2 {
        seen.insert(payload(&next_event(&mut ws).await.expect("an event"))["id"].as_str().expect("id").to_string());
    }
    let all: BTreeSet<String> =
        fake.world().statuses().filter(|s| s.visibility == "public").map(|s| s.id.clone()).collect();
    assert_eq!(all.len(), 9);
    assert_eq!(seen, all, "nothing lost across the gap");
    assert_eq!(fake.summary()["stream"]["dropped"], 1);
}

#[tokio::test]
async fn a_silenced_authors_posts_leave_the_stream_and_the_timeline_but_still_fire_webhooks() {
    let receiver = common::Receiver::start("a-webhook-secret-of-some-length", 0).await;
    let hook = Webhook {
        url: receiver.url.clone(),
        secret: "a-webhook-secret-of-some-length".into(),
        events: vec!["status.created".into()],
    };
    let opts = Options { clock: Clock::manual(T0), webhook: Some(hook), ..Options::default() };
    let fake = FakeMastodon::start(opts).await.expect("starts");
    let (mut b, local, _remote, signup) = setup();
    fake.play(&signup, Pace::Fast).await;
    let r = post_form(&fake, &format!("/api/v1/admin/accounts/{local}/action"), DEFAULT_TOKEN, "type=silence").await;
    assert_eq!(r.status, 200);
    let mut ws = stream(&url(&fake, "public"), DEFAULT_TOKEN).await;
    assert!(fake.wait_streams(1, Duration::from_secs(5)).await);
    let id = b.post(T0 + 5_000, &local, &Post { text: "limited", ..Post::default() }).expect("a post");
    let post = b.finish().lines().last().expect("the post").to_string();
    let report = fake.play(&post, Pace::Fast).await;
    assert_eq!((report.streamed, report.suppressed, report.webhooks), (0, 0, 1));
    assert_eq!(get(&fake, "/api/v1/timelines/public", DEFAULT_TOKEN).await.json(), json!([]));
    assert!(fake.wait_webhooks(Duration::from_secs(10)).await);
    let got = receiver.got();
    assert_eq!(got.len(), 1, "only the subscribed event: not account.created, not account.updated");
    assert_eq!(got[0].json()["object"]["id"], json!(id));
    drop(ws.close().await);
}
