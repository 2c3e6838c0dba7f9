//! The admin API client against the fake: each action becomes the call Mastodon expects,
//! with moat's reason; the rate limit is kept to (no 429, no request sent while told to
//! wait), 429 storms are waited out, 5xx retried a bounded number of times, the queue goes
//! by priority, and the token shows up nowhere.

mod common;

use std::time::Duration;

use common::{reports, Rig, Setup, T0};
use moat_fake_mastodon::builder::CaptureBuilder;
use moat_fake_mastodon::{Pace, RateLimits, DEFAULT_TOKEN};
use moat_mastodon::{AccountId, ActionError, Inbound, IpSeverity, MastodonAction, Secret, ServerSettings};

fn no_stream(s: &mut ServerSettings) {
    s.streaming = false;
}

fn silence(id: &str, reason: &str) -> MastodonAction {
    MastodonAction::Silence { account_id: AccountId::new(id), reason: reason.into() }
}

/// `n` sign-ups from `ip`, named `{prefix}{i}` with addresses at `{prefix}.example`.
async fn signups_as(rig: &Rig, prefix: &str, n: u64, ip: &str) -> Vec<String> {
    let mut b = CaptureBuilder::new("fake.example");
    // Ids come from times: each batch at its own (the clock's now), so batches never share one.
    let t = rig.clock.now_ms();
    let ids = (0..n)
        .map(|i| b.signup(t + i, &format!("{prefix}{i:09}"), &format!("{prefix}{i}@{prefix}.example"), ip))
        .collect();
    rig.fake.play(&b.finish(), Pace::Fast).await;
    ids
}

async fn signups(rig: &Rig, n: u64, ip: &str) -> Vec<String> {
    signups_as(rig, "throwaway", n, ip).await
}

/// Waits for `n` action reports (and whatever else arrives meanwhile).
async fn done(rig: &mut Rig, n: usize) -> Vec<Inbound> {
    rig.collect_until(Duration::from_secs(30), |g| reports(g).len() >= n).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_action_is_the_call_mastodon_expects() {
    let mut rig = Setup::new(1000.0).settings(no_stream).start().await;
    let ids = signups(&rig, 2, "192.0.2.9").await;
    let send = |a: MastodonAction| rig.actions.send(a);
    send(silence(&ids[0], "mentions: 10 strangers in one post")).await.expect("queued");
    send(MastodonAction::Suspend { account_id: AccountId::new(&ids[1]), reason: "wave member".into() })
        .await
        .expect("queued");
    let block = MastodonAction::IpBlock {
        ip: "198.51.100.77/24".into(),
        severity: IpSeverity::SignUpRequiresApproval,
        expires_in_s: Some(3600),
        reason: "wave of sign-ups".into(),
    };
    send(block.clone()).await.expect("queued");
    send(block).await.expect("queued");
    send(MastodonAction::EmailDomainBlock { domain: "Throwaway.Example".into(), reason: "wave".into() })
        .await
        .expect("queued");
    send(MastodonAction::EmailDomainBlock { domain: "gmail.com".into(), reason: "wave".into() }).await.expect("queued");
    send(MastodonAction::DirectMessage {
        text: "Wave: silenced @throwaway000000000 and 1 more. https://moat.example/incidents/1".into(),
    })
    .await
    .expect("queued");
    let got = done(&mut rig, 7).await;
    let r = reports(&got);
    assert_eq!(r.len(), 7);
    assert!(
        r.iter()
            .filter(|r| r.request.action.name() != "email_domain_block" || r.result.is_ok())
            .all(|r| r.result.is_ok()),
        "{r:?}"
    );
    assert!(r.iter().any(|r| matches!(&r.result, Ok(a) if a.already)), "the second IP block existed already");
    assert!(
        r.iter().any(|r| matches!(&r.result, Err(ActionError::NotSent(m)) if m.contains("gmail.com"))),
        "never a big provider"
    );
    {
        let w = rig.fake.world();
        assert!(w.account(&ids[0]).is_some_and(|a| a.silenced));
        assert!(w.account(&ids[1]).is_some_and(|a| a.suspended));
        let texts: Vec<Option<&str>> = w.log.actions.iter().map(|a| a.text.as_deref()).collect();
        assert_eq!(texts, vec![Some("mentions: 10 strangers in one post"), Some("wave member")], "moat's reasons");
    }
    let summary = rig.fake.summary();
    assert_eq!(summary["ip_blocks"][0]["ip"], "198.51.100.0/24", "{summary}");
    assert_eq!(summary["ip_blocks"][0]["severity"], "sign_up_requires_approval");
    assert!(summary["ip_blocks"][0]["expires_at"].is_string());
    assert_eq!(summary["email_domain_blocks"], serde_json::json!(["throwaway.example"]));
    let dm = &summary["statuses_posted"][0];
    assert_eq!(dm["visibility"], "direct");
    assert_eq!(dm["mentions"], serde_json::json!(["admin"]), "only the admins are mentioned: {dm}");

    // A sign-up from the blocked network now waits for approval; moat rejects it; undo works.
    let held = signups_as(&rig, "later", 1, "198.51.100.5").await;
    assert!(rig.fake.world().account(&held[0]).is_some_and(|a| !a.approved), "held for approval");
    let send = |a: MastodonAction| rig.actions.send(a);
    send(MastodonAction::Reject { account_id: AccountId::new(&held[0]), reason: "wave".into() }).await.expect("queued");
    send(MastodonAction::Unsilence { account_id: AccountId::new(&ids[0]), reason: "a person after all".into() })
        .await
        .expect("queued");
    send(MastodonAction::RemoveIpBlock { ip: "198.51.100.0/24".into(), reason: "wave over".into() })
        .await
        .expect("queued");
    send(MastodonAction::RemoveEmailDomainBlock { domain: "throwaway.example".into(), reason: "wave over".into() })
        .await
        .expect("queued");
    let got = done(&mut rig, 4).await;
    assert!(reports(&got).iter().all(|r| r.result.is_ok()), "{got:?}");
    let summary = rig.fake.summary();
    assert_eq!(summary["ip_blocks"], serde_json::json!([]));
    assert_eq!(summary["email_domain_blocks"], serde_json::json!([]));
    assert!(rig.fake.world().account(&held[0]).is_none(), "rejected sign-ups are deleted");
    assert!(rig.fake.world().account(&ids[0]).is_some_and(|a| !a.silenced));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_is_kept_to_across_windows() {
    let mut setup = Setup::new(1000.0).settings(no_stream);
    setup.opts.rate_limits = RateLimits { per_token: 8, unauthenticated: 300, window_ms: 300_000 };
    let mut rig = setup.start().await;
    let ids = signups(&rig, 30, "192.0.2.9").await;
    for id in &ids {
        rig.actions.send(silence(id, "wave")).await.expect("queued");
    }
    let got = done(&mut rig, 30).await;
    assert!(reports(&got).iter().all(|r| r.result.is_ok()), "all applied");
    let summary = rig.fake.summary();
    assert_eq!(summary["rate_limited"], 0, "no 429: {summary}");
    assert_eq!(summary["rate_limit_violations"], 0, "nothing sent while told to wait");
    let mut per_window = std::collections::BTreeMap::new();
    for c in rig.fake.calls() {
        *per_window.entry(c.at_ms / 300_000).or_insert(0) += 1;
    }
    assert!(per_window.len() >= 4, "31 calls at 8 a window span 4 windows: {per_window:?}");
    assert!(per_window.values().all(|&n| n <= 8), "{per_window:?}");
    assert!(rig.handle.stats().rate_limit_waits >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storms_are_waited_out_and_server_errors_retried_a_bounded_number_of_times() {
    let mut rig = Setup::new(1000.0).settings(no_stream).start().await;
    let ids = signups(&rig, 3, "192.0.2.9").await;
    rig.fake.storm(3, 60_000);
    rig.actions.send(silence(&ids[0], "wave")).await.expect("queued");
    let got = done(&mut rig, 1).await;
    assert!(reports(&got)[0].result.is_ok(), "{got:?}");
    let s = rig.handle.stats();
    assert_eq!(s.rest_429, 3);
    assert_eq!(rig.fake.summary()["rate_limit_violations"], 0, "waited for each reset");

    rig.fake.faults().fail_next = 2;
    rig.actions.send(silence(&ids[1], "wave")).await.expect("queued");
    let got = done(&mut rig, 1).await;
    assert!(reports(&got)[0].result.is_ok(), "two 500s, then done: {got:?}");

    rig.fake.faults().fail_path = Some("/action".into());
    rig.fake.clear_calls();
    rig.actions.send(silence(&ids[2], "wave")).await.expect("queued");
    let got = done(&mut rig, 1).await;
    let err = reports(&got)[0].result.clone().expect_err("gave up");
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
    assert_eq!(rig.fake.calls().len(), 4, "one try and three retries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_goes_by_priority() {
    let mut rig = Setup::new(100.0).settings(no_stream).start().await;
    let ids = signups(&rig, 2, "192.0.2.9").await;
    // The first action meets a 429 that says to wait 30 s (300 ms here): the rest queue up.
    rig.fake.storm(1, 30_000);
    rig.actions.send(silence(&ids[0], "first")).await.expect("queued");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let later = [
        MastodonAction::RemoveEmailDomainBlock { domain: "old.example".into(), reason: "over".into() },
        MastodonAction::DirectMessage { text: "wave".into() },
        MastodonAction::EmailDomainBlock { domain: "throwaway.example".into(), reason: "wave".into() },
        silence(&ids[1], "urgent"),
    ];
    for a in later {
        rig.actions.send(a).await.expect("queued");
    }
    let got = done(&mut rig, 5).await;
    let order: Vec<&str> = reports(&got).iter().map(|r| r.request.action.name()).collect();
    assert_eq!(order, ["silence", "silence", "email_domain_block", "direct_message", "remove_email_domain_block"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_shows_up_nowhere() {
    let token = "tok-SUPER-SECRET-123";
    let mut settings = ServerSettings::new("http://127.0.0.1:9", Secret::new(token));
    settings.streaming = false;
    settings.retry.server_errors = 0;
    assert!(!format!("{settings:?}").contains(token));
    let clock = moat_clock::Clock::scaled(T0, 1000.0);
    let (mut events, actions, handle) = moat_mastodon::Server::start(settings, clock).await.expect("starts");
    actions.send(silence("1", "x")).await.expect("queued");
    let item = tokio::time::timeout(Duration::from_secs(30), events.recv()).await.expect("a report").expect("open");
    let Inbound::Done(r) = item else { panic!("a report: {item:?}") };
    let err = r.result.expect_err("nobody listens on port 9");
    assert!(!err.to_string().contains(token) && !format!("{err:?}").contains(token), "{err}");
    assert!(err.to_string().contains("no answer"), "{err}");
    drop(handle);
    let _ = DEFAULT_TOKEN;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_wait_on_the_clock_and_the_sender_never_stalls() {
    // A clock that moves only when told: a rate-limit wait lasts until the test moves it.
    let mut setup = Setup::new(1.0).settings(|s| {
        s.streaming = false;
        s.actions_capacity = 1;
    });
    setup.opts.clock = moat_clock::Clock::manual(T0);
    setup.opts.rate_limits = RateLimits { per_token: 4, unauthenticated: 300, window_ms: 300_000 };
    let mut rig = setup.start().await;
    let ids = signups(&rig, 20, "192.0.2.9").await;
    for id in &ids {
        rig.actions.send(silence(id, "wave")).await.expect("queued, not stalled behind the limit");
    }
    // 4 requests a window, one spent on the instance: three actions in the first window.
    let first = done(&mut rig, 3).await;
    assert_eq!(reports(&first).len(), 3);
    assert!(reports(&rig.drain(Duration::from_millis(200)).await).is_empty(), "the rest wait for the window");
    let mut got = Vec::new();
    while reports(&got).len() < 17 {
        assert!(rig.clock.advance(300_000));
        let want = 4.min(17 - reports(&got).len());
        got.extend(rig.collect_until(Duration::from_secs(5), |g| reports(g).len() >= want).await);
    }
    assert_eq!(reports(&got).len(), 17);
    let summary = rig.fake.summary();
    assert_eq!(
        (summary["rate_limited"].as_u64(), summary["rate_limit_violations"].as_u64()),
        (Some(0), Some(0)),
        "{summary}"
    );
}
