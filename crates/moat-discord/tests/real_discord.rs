//! What the real Discord refuses and the fake now enforces (issue 11). Each test here shows
//! one bot defect and fails today; they are ignored until the bot is fixed (run them with
//! `cargo test -p moat-discord --test real_discord -- --ignored`). Whoever fixes a defect
//! removes its `#[ignore]` and turns the matching rule on in `common::start`'s options.

mod common;

use moat_fake_discord::Options;
use moat_testkit::fixture as scenario;

const MODERATE_MEMBERS: u64 = 1 << 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_follows_discords_openapi_spec() {
    let h = common::start(Options::default(), common::config("[raid]\naction = \"ban\"\n")).await;
    let (_, capture) = scenario::raid(30);
    h.play(&capture).await;
    h.fake.assert_spec_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moat_answers_at_once_then_edits_the_answer() {
    // Each REST call costs 500 ms of the fake's clock, as a slow Discord would.
    let h = common::start(Options { rest_latency_ms: 500, ..Options::default() }, common::config("")).await;
    let (ids, capture) = scenario::raid(30);
    h.play(&capture).await;
    let id = h.fake.run_moat(ids.guild, ids.moderator, MODERATE_MEMBERS, "raid ban").expect("/moat is registered");
    let rec = h.fake.wait_answers(id, 2, std::time::Duration::from_secs(20)).await.expect("sent");
    assert!(rec.refused().is_empty(), "Discord refused: {:?}", rec.refused());
    assert!(rec.deferred() && rec.ephemeral(), "a deferred ephemeral answer first: {:?}", rec.answers);
    assert_eq!(rec.first_response_ms(), Some(0), "before any other call");
    assert!(rec.original.as_deref().unwrap_or("").contains("Banned 30"), "{:?}", rec.original);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_call_is_sent_that_is_known_to_fail() {
    let h = common::start(Options::default(), common::config("")).await;
    // moat's role has only Manage Messages and sits below Members; a member floods.
    let mut c = scenario::Capture::new(scenario::T0, moat_testkit::payload::perms::MEMBER | (1 << 13), 1);
    c.chatter(scenario::T0, 10, 3);
    let flooder = c.account(scenario::T0, 400 * 86_400_000);
    for i in 0..15u64 {
        c.say(
            scenario::T0 + 11_000 + i * 200,
            flooder,
            "flooder",
            scenario::T0 - 86_400_000,
            0,
            "BUY NOW BUY NOW",
            &[],
        );
    }
    h.play(&c.finish()).await;
    let invalid = h.fake.invalid_requests();
    let refused: Vec<String> =
        h.fake.calls().iter().filter(|c| c.status == 403).map(|c| format!("{} {}", c.method, c.path)).collect();
    assert_eq!(invalid.total, 0, "401/403/429 answers count towards Discord's ban: {refused:?}");
    // What moat may do, it does; what it may not, the alert says.
    assert!(h.fake.calls().iter().any(|c| c.method != "GET" && c.path.contains("/messages/")), "the spam is deleted");
    let alerts = h.alerts().join("\n");
    assert!(alerts.contains("did not time members out") && alerts.contains("Timeout Members"), "{alerts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_ping_nobody() {
    let h = common::start(Options::default(), common::config("")).await;
    let (_, capture) = scenario::raid(30);
    h.play(&capture).await;
    let posts: Vec<_> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| {
            (c.method == "POST" && c.path.ends_with("/messages"))
                || (c.method == "PATCH" && c.path.contains("/messages/"))
        })
        .collect();
    assert!(!posts.is_empty());
    assert!(posts.iter().any(|c| c.json()["content"].as_str().unwrap_or("").contains("<@")), "mentions are rendered");
    for c in posts {
        assert_eq!(c.json()["allowed_mentions"]["parse"], serde_json::json!([]), "{} {}: {}", c.method, c.path, c.body);
        assert_eq!(c.json()["allowed_mentions"].get("roles"), None, "no role pinged unless configured");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_moderator_role_is_pinged_once_per_incident() {
    let (ids, capture) = scenario::raid(30);
    let role = moat_core::id::RoleId(ids.moderator_role);
    let h = common::start_with(Options::default(), common::config(""), |c| c.ping_role = Some(role)).await;
    h.play(&capture).await;
    let (posts, edits): (Vec<_>, Vec<_>) = h
        .fake
        .calls()
        .into_iter()
        .filter(is_message_post)
        .filter(|c| !c.path.starts_with("/webhooks/"))
        .partition(|c| c.method == "POST");
    let raid_post = posts.iter().find(|c| c.json()["content"].as_str().unwrap_or("").contains("raid")).expect("posted");
    let role_s = ids.moderator_role.to_string();
    assert!(raid_post.json()["content"].as_str().unwrap().starts_with(&format!("<@&{role_s}>")), "{}", raid_post.body);
    assert_eq!(raid_post.json()["allowed_mentions"], serde_json::json!({"parse": [], "roles": [role_s]}));
    assert!(!edits.is_empty());
    for e in edits {
        assert_eq!(e.json()["allowed_mentions"], serde_json::json!({"parse": []}), "an edit pings nobody");
    }
}

/// Posting or editing a message (an alert): no audit log entry to explain.
fn is_message_post(c: &moat_fake_discord::Call) -> bool {
    (c.method == "POST" && c.path.ends_with("/messages")) || (c.method == "PATCH" && c.path.contains("/messages/"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_says_why_in_the_audit_log() {
    let h = common::start(Options::default(), common::config("")).await;
    let (_, raid) = scenario::raid(30);
    h.play(&raid).await;
    let (_, flood) = scenario::flood();
    h.play(&flood).await;
    let silent: Vec<String> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method != "GET" && (200..300).contains(&c.status))
        .filter(|c| !c.path.starts_with("/applications/") && !c.path.starts_with("/interactions/"))
        .filter(|c| !is_message_post(c))
        .filter(|c| c.reason.is_none())
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert!(silent.is_empty(), "changes without an audit-log reason: {silent:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_last_their_full_length() {
    // Calls cost 1 s each on the fake's clock, so a timeout queued behind deletes arrives late.
    let latency = 1_000;
    let h = common::start(Options { rest_latency_ms: latency, ..Options::default() }, common::config("")).await;
    let (_, capture) = scenario::flood();
    h.play(&capture).await;
    let timeouts: Vec<_> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "PATCH" && c.path.contains("/members/"))
        .filter_map(|c| {
            let until = moat_fake_discord::rest::ms_from_iso(c.json()["communication_disabled_until"].as_str()?)?;
            Some(until.saturating_sub(c.at_ms))
        })
        .collect();
    assert!(!timeouts.is_empty());
    // Timeouts are whole minutes; one computed at send time is off by at most the cost of
    // the calls in flight beside it on other lanes (the alert's post, a delete: each moves
    // the fake's clock on by `latency`), short or long. One fixed at decision time is off by
    // every call it waited behind (3.4 s in the flood before the fix). Up to three calls
    // can be in flight beside it on a loaded machine.
    for left in timeouts {
        let off = (left % 60_000).min(60_000 - left % 60_000);
        assert!(off <= 3 * latency, "a timeout arrived {off} ms off its length ({left} ms left)");
    }
}
