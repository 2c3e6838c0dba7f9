//! The admin API with a real HTTP client: scopes and roles, rate limits on the test clock,
//! admin actions changing state and being recorded, pending sign-ups, block expiry, statuses.

mod common;

use common::{call, get, post_form, post_json};
use moat_clock::Clock;
use moat_fake_mastodon::builder::CaptureBuilder;
use moat_fake_mastodon::{FakeMastodon, Options, Pace, RateLimits, Role, User, DEFAULT_TOKEN};
use serde_json::json;

const T0: u64 = 1_707_991_200_000; // 2024-02-15T10:00:00Z

async fn fake_with(opts: Options) -> FakeMastodon {
    FakeMastodon::start(opts).await.expect("starts")
}

async fn seeded(clock: Clock) -> (FakeMastodon, Vec<String>) {
    let fake = fake_with(Options { clock, ..Options::default() }).await;
    let mut b = CaptureBuilder::new("fake.example");
    let ids = vec![
        b.signup(T0, "alice", "alice@mail.example", "192.0.2.10"),
        b.signup(T0 + 1000, "xkq3v9z2pl", "xkq3v9z2pl@spam.example", "198.51.100.7"),
        b.signup(T0 + 2000, "bob", "bob@mail.example", "192.0.2.11"),
    ];
    let r = fake.play(&b.finish(), Pace::Fast).await;
    assert_eq!((r.lines, r.bad_lines), (3, 0));
    (fake, ids)
}

#[tokio::test]
async fn every_answer_has_rate_limit_headers_and_the_301st_is_429_until_the_window_resets() {
    let clock = Clock::manual(T0 + 10_000);
    let fake = fake_with(Options {
        clock: clock.clone(),
        rate_limits: RateLimits { per_token: 5, ..RateLimits::default() },
        ..Options::default()
    })
    .await;
    let mut last_remaining = None;
    for i in 0..5 {
        let r = get(&fake, "/api/v2/instance", DEFAULT_TOKEN).await;
        assert_eq!(r.status, 200, "request {i}");
        assert_eq!(r.header("x-ratelimit-limit"), Some("5"));
        // The window ends at the next multiple of 5 minutes on the fake's clock.
        assert_eq!(r.header("x-ratelimit-reset"), Some("2024-02-15T10:05:00.000000Z"));
        last_remaining = r.header("x-ratelimit-remaining").map(str::to_string);
    }
    assert_eq!(last_remaining.as_deref(), Some("0"));
    let r = get(&fake, "/api/v2/instance", DEFAULT_TOKEN).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json(), json!({"error": "Too many requests"}));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(fake.limiter().violations, 1, "sent after being told remaining 0");
    clock.advance(300_000);
    let r = get(&fake, "/api/v2/instance", DEFAULT_TOKEN).await;
    assert_eq!(r.status, 200, "a new window on the test clock");
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4"));
    assert_eq!(fake.summary()["rate_limited"], 1);
}

#[tokio::test]
async fn a_429_storm_then_a_client_that_waits_for_the_reset_is_served() {
    let clock = Clock::manual(T0);
    let fake = fake_with(Options { clock: clock.clone(), ..Options::default() }).await;
    fake.storm(2, 30_000);
    assert_eq!(get(&fake, "/api/v2/instance", DEFAULT_TOKEN).await.status, 429);
    let r = get(&fake, "/api/v2/instance", DEFAULT_TOKEN).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("x-ratelimit-reset"), Some("2024-02-15T10:00:30.000000Z"));
    clock.advance(30_000);
    assert_eq!(get(&fake, "/api/v2/instance", DEFAULT_TOKEN).await.status, 200);
    assert_eq!(fake.limiter().violations, 1, "only the retry before the reset");
}

#[tokio::test]
async fn tokens_scopes_and_roles_get_mastodons_answers() {
    let fake = fake_with(Options {
        users: vec![
            User { username: "admin".into(), role: Role::Admin },
            User { username: "mod".into(), role: Role::Moderator },
        ],
        ..Options::default()
    })
    .await;
    fake.add_token("read-only", "read admin:read", Some("admin"));
    fake.add_token("mod-token", "read write admin:read admin:write", Some("mod"));
    let admin = fake.account_id("admin").expect("seeded");
    let path = format!("/api/v1/admin/accounts/{admin}/action");
    let r = post_form(&fake, &path, "read-only", "type=silence").await;
    assert_eq!((r.status, r.json()), (403, json!({"error": "This action is outside the authorized scopes"})));
    let r = post_form(&fake, &path, "wrong-token", "type=silence").await;
    assert_eq!((r.status, r.json()), (401, json!({"error": "The access token is invalid"})));
    let r = call(&fake, "GET", "/api/v2/admin/accounts", None, None).await;
    assert_eq!((r.status, r.json()), (403, json!({"error": "This action is not allowed"})));
    let r = post_form(&fake, "/api/v1/admin/ip_blocks", "mod-token", "ip=192.0.2.0/24&severity=no_access").await;
    assert_eq!(r.status, 403, "a moderator cannot manage blocks");
    let r = post_form(&fake, &path, DEFAULT_TOKEN, "type=suspend").await;
    assert_eq!(r.status, 403, "staff cannot be suspended");
    assert_eq!(get(&fake, "/api/v1/admin/accounts/999", DEFAULT_TOKEN).await.status, 404);
    let calls = fake.calls();
    assert!(calls
        .iter()
        .all(|c| !c.body.contains(DEFAULT_TOKEN) && c.query.as_deref().is_none_or(|q| !q.contains(DEFAULT_TOKEN))));
    assert_eq!(calls[0].token_id, Some(2), "calls carry the token's id, never the token");
}

#[tokio::test]
async fn admin_actions_change_state_and_are_recorded() {
    let (fake, ids) = seeded(Clock::manual(T0 + 5_000)).await;
    let spam = &ids[1];
    let r = post_json(
        &fake,
        &format!("/api/v1/admin/accounts/{spam}/action"),
        DEFAULT_TOKEN,
        &json!({"type": "silence", "text": "moat: wave"}),
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    let r = post_form(
        &fake,
        &format!("/api/v1/admin/accounts/{}/action", ids[2]),
        DEFAULT_TOKEN,
        "type=suspend&text=spam&send_email_notification=false",
    )
    .await;
    assert_eq!(r.status, 200);
    let r = post_form(&fake, &format!("/api/v1/admin/accounts/{spam}/action"), DEFAULT_TOKEN, "type=ban").await;
    assert_eq!((r.status, r.json()), (422, json!({"error": "Validation failed: Type is not included in the list"})));
    let shown = get(&fake, &format!("/api/v1/admin/accounts/{spam}"), DEFAULT_TOKEN).await.json();
    assert_eq!((shown["silenced"].clone(), shown["account"]["limited"].clone()), (json!(true), json!(true)));
    assert_eq!(shown["email"], "xkq3v9z2pl@spam.example");

    let silenced = get(&fake, "/api/v2/admin/accounts?status=silenced&origin=local", DEFAULT_TOKEN).await.json();
    assert_eq!(
        silenced.as_array().map(|a| a.iter().map(|x| x["id"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(spam)])
    );
    let by_ip = get(&fake, "/api/v2/admin/accounts?ip=192.0.2.0/24", DEFAULT_TOKEN).await.json();
    assert_eq!(by_ip.as_array().map(Vec::len), Some(2));
    assert_eq!(get(&fake, "/api/v2/admin/accounts?origin=mars", DEFAULT_TOKEN).await.status, 400);

    let r = post_form(&fake, &format!("/api/v1/admin/accounts/{spam}/unsilence"), DEFAULT_TOKEN, "").await;
    assert_eq!((r.status, r.json()["silenced"].clone()), (200, json!(false)));
    assert_eq!(
        post_form(&fake, &format!("/api/v1/admin/accounts/{spam}/unsuspend"), DEFAULT_TOKEN, "").await.status,
        403
    );

    let w = fake.world();
    let kinds: Vec<(&str, &str, Option<&str>)> =
        w.log.actions.iter().map(|a| (a.kind.as_str(), a.account_id.as_str(), a.text.as_deref())).collect();
    assert_eq!(
        kinds,
        vec![
            ("silence", spam.as_str(), Some("moat: wave")),
            ("suspend", ids[2].as_str(), Some("spam")),
            ("unsilence", spam.as_str(), None)
        ]
    );
    drop(w);
    let s = fake.summary();
    assert_eq!(s["suspended"], json!([ids[2]]));
    assert_eq!(s["actions"]["silence"], json!([spam]));
    let posted: Vec<String> = fake.calls().iter().filter(|c| c.is_action()).map(|c| c.route()).collect();
    assert_eq!(posted.len(), 3);
    assert!(posted.iter().all(|r| r.starts_with("POST /api/v1/admin/accounts/:id/")), "{posted:?}");
}

#[tokio::test]
async fn pagination_follows_link_headers() {
    let (fake, _) = seeded(Clock::manual(T0 + 5_000)).await;
    let first = get(&fake, "/api/v2/admin/accounts?limit=2&origin=local", DEFAULT_TOKEN).await;
    assert_eq!(first.json().as_array().map(Vec::len), Some(2));
    let link = first.header("link").expect("a Link header").to_string();
    let next = link.split(", ").find(|l| l.ends_with("rel=\"next\"")).expect("next");
    let url = next.trim_start_matches('<').split('>').next().expect("url");
    let path = url.trim_start_matches(&fake.base_url());
    assert!(path.contains("origin=local") && path.contains("max_id="), "{path}");
    let rest = get(&fake, path, DEFAULT_TOKEN).await.json();
    assert_eq!(rest.as_array().map(Vec::len), Some(2), "two sign-ups and the admin user remain");
}

#[tokio::test]
async fn only_pending_sign_ups_can_be_rejected_and_a_held_sign_up_is_pending() {
    let clock = Clock::manual(T0);
    let fake = fake_with(Options { clock: clock.clone(), ..Options::default() }).await;
    let r = post_form(
        &fake,
        "/api/v1/admin/ip_blocks",
        DEFAULT_TOKEN,
        "ip=203.0.113.9/24&severity=sign_up_requires_approval&expires_in=600&comment=wave",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ip"], "203.0.113.0/24");
    assert_eq!(r.json()["expires_at"], "2024-02-15T10:10:00.000Z");
    let mut b = CaptureBuilder::new("fake.example");
    let held = b.signup(T0 + 1000, "wave1", "w@x.example", "203.0.113.50");
    let open = b.signup(T0 + 2000, "real", "r@mail.example", "192.0.2.1");
    let report = fake.play(&b.finish(), Pace::Fast).await;
    assert_eq!(report.held, 1);
    let pending = get(&fake, "/api/v2/admin/accounts?status=pending", DEFAULT_TOKEN).await.json();
    assert_eq!(
        pending.as_array().map(|a| a.iter().map(|x| x["id"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(held)])
    );
    assert_eq!(post_form(&fake, &format!("/api/v1/admin/accounts/{open}/reject"), DEFAULT_TOKEN, "").await.status, 403);
    let r = post_form(&fake, &format!("/api/v1/admin/accounts/{held}/reject"), DEFAULT_TOKEN, "").await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    assert_eq!(
        get(&fake, &format!("/api/v1/admin/accounts/{held}"), DEFAULT_TOKEN).await.status,
        404,
        "rejected is deleted"
    );
    assert_eq!(fake.summary()["actions"]["reject"], json!([held]));
}

#[tokio::test]
async fn ip_blocks_expire_on_the_fake_clock_and_email_blocks_stay_until_deleted() {
    let clock = Clock::manual(T0);
    let fake = fake_with(Options { clock: clock.clone(), ..Options::default() }).await;
    let r = post_json(
        &fake,
        "/api/v1/admin/ip_blocks",
        DEFAULT_TOKEN,
        &json!({"ip": "198.51.100.0/24", "severity": "sign_up_block", "expires_in": 3600}),
    )
    .await;
    assert_eq!(r.status, 200);
    let dup = post_json(
        &fake,
        "/api/v1/admin/ip_blocks",
        DEFAULT_TOKEN,
        &json!({"ip": "198.51.100.1/24", "severity": "no_access"}),
    )
    .await;
    assert_eq!((dup.status, dup.json()), (422, json!({"error": "Validation failed: Ip has already been taken"})));
    assert_eq!(
        post_form(&fake, "/api/v1/admin/ip_blocks", DEFAULT_TOKEN, "ip=nope&severity=no_access").await.status,
        422
    );
    assert_eq!(
        post_form(&fake, "/api/v1/admin/ip_blocks", DEFAULT_TOKEN, "ip=10.0.0.0/8&severity=maybe").await.status,
        422
    );
    assert_eq!(get(&fake, "/api/v1/admin/ip_blocks", DEFAULT_TOKEN).await.json().as_array().map(Vec::len), Some(1));
    clock.advance(3_600_001);
    assert_eq!(get(&fake, "/api/v1/admin/ip_blocks", DEFAULT_TOKEN).await.json(), json!([]), "expired on the clock");

    let r = post_form(&fake, "/api/v1/admin/email_domain_blocks", DEFAULT_TOKEN, "domain=Spam.Example").await;
    assert_eq!((r.status, r.json()["domain"].clone()), (200, json!("spam.example")));
    assert_eq!(r.json()["history"].as_array().map(Vec::len), Some(7));
    let id = r.json()["id"].as_str().expect("id").to_string();
    let mut b = CaptureBuilder::new("fake.example");
    b.signup(T0 + 3_700_000, "w2", "w2@mx.spam.example", "192.0.2.3");
    assert_eq!(fake.play(&b.finish(), Pace::Fast).await.refused, 1);
    assert_eq!(
        call(&fake, "DELETE", &format!("/api/v1/admin/email_domain_blocks/{id}"), Some(DEFAULT_TOKEN), None).await.body,
        "{}"
    );
    assert_eq!(
        call(&fake, "DELETE", &format!("/api/v1/admin/email_domain_blocks/{id}"), Some(DEFAULT_TOKEN), None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn statuses_are_limited_to_500_characters_and_recorded() {
    let fake = fake_with(Options { clock: Clock::manual(T0), ..Options::default() }).await;
    let long = "x".repeat(501);
    let r = post_form(&fake, "/api/v1/statuses", DEFAULT_TOKEN, &format!("status={long}&visibility=direct")).await;
    assert_eq!(
        (r.status, r.json()),
        (422, json!({"error": "Validation failed: Text character limit of 500 exceeded"}))
    );
    let text = format!("@admin wave contained: {} {}", "https://moat.example/incidents/1", "y".repeat(440));
    let body = json!({"status": text, "visibility": "direct"});
    let path = "/api/v1/statuses";
    let headers =
        [("authorization", Some(format!("Bearer {DEFAULT_TOKEN}"))), ("idempotency-key", Some("k1".to_string()))];
    let first = common::send(fake.addr(), "POST", path, &headers, Some(("application/json", &body.to_string()))).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["visibility"], "direct");
    assert_eq!(first.json()["mentions"][0]["acct"], "admin");
    let again = common::send(fake.addr(), "POST", path, &headers, Some(("application/json", &body.to_string()))).await;
    assert_eq!(again.json()["id"], first.json()["id"], "the same Idempotency-Key gives the same status");
    assert_eq!(fake.world().posted().len(), 1);
    assert_eq!(fake.summary()["statuses_posted"][0]["mentions"], json!(["admin"]));
    let public = get(&fake, "/api/v1/timelines/public", DEFAULT_TOKEN).await.json();
    assert_eq!(public, json!([]), "a direct message is not public");
}

#[tokio::test]
async fn oauth_code_flow_and_verify_credentials() {
    let fake = fake_with(Options { clock: Clock::manual(T0), ..Options::default() }).await;
    let redirect = "http://127.0.0.1:9/callback";
    let q = format!("/oauth/authorize?response_type=code&client_id=fake-client-id&redirect_uri={redirect}&scope=read+admin:read&state=xyz");
    let r = call(&fake, "GET", &q, None, None).await;
    assert_eq!(r.status, 302);
    let location = r.header("location").expect("redirect").to_string();
    assert!(location.starts_with(redirect) && location.ends_with("&state=xyz"), "{location}");
    let code = location.split("code=").nth(1).and_then(|c| c.split('&').next()).expect("code").to_string();
    let form = format!("grant_type=authorization_code&code={code}&client_id=fake-client-id&client_secret=fake-client-secret&redirect_uri={redirect}");
    let t = call(&fake, "POST", "/oauth/token", None, Some(("application/x-www-form-urlencoded", &form))).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert_eq!(t.json()["scope"], "read admin:read");
    let token = t.json()["access_token"].as_str().expect("token").to_string();
    let again = call(&fake, "POST", "/oauth/token", None, Some(("application/x-www-form-urlencoded", &form))).await;
    assert_eq!((again.status, again.json()["error"].clone()), (400, json!("invalid_grant")), "a code works once");
    let me = get(&fake, "/api/v1/accounts/verify_credentials", &token).await.json();
    assert_eq!((me["username"].clone(), me["role"]["name"].clone()), (json!("admin"), json!("Admin")));
    assert!(fake.calls().iter().all(|c| !c.body.contains(&code)), "codes are not recorded");
    let bad = call(&fake, "GET", "/oauth/authorize?response_type=code&client_id=nope&redirect_uri=x", None, None).await;
    assert_eq!(bad.status, 401);
}

/// Two people of one server sign in through the same app: the admin's credentials carry the
/// Admin role and its permission bits, the plain user's the everyone role.
#[tokio::test]
async fn an_admin_and_a_plain_user_sign_in_and_their_roles_tell_them_apart() {
    let users =
        vec![User { username: "admin".into(), role: Role::Admin }, User { username: "alice".into(), role: Role::User }];
    let fake = fake_with(Options { clock: Clock::manual(T0), users, ..Options::default() }).await;
    let redirect = "http://127.0.0.1:9/callback";
    let role_of = |who: &'static str| {
        let fake = &fake;
        async move {
            let r = common::send(fake.addr(), "GET", &format!("/auth/sign_in?user={who}"), &[], None).await;
            assert_eq!(r.status, 200, "{who} signs in");
            let cookie = r.header("set-cookie").expect("a cookie").split(';').next().unwrap().to_string();
            let q = format!("/oauth/authorize?response_type=code&client_id=fake-client-id&redirect_uri={redirect}&scope=read&state=s");
            let r = common::send(fake.addr(), "GET", &q, &[("cookie", Some(cookie))], None).await;
            let location = r.header("location").expect("redirect").to_string();
            let code = location.split("code=").nth(1).and_then(|c| c.split('&').next()).unwrap().to_string();
            let form = format!("grant_type=authorization_code&code={code}&client_id=fake-client-id&client_secret=fake-client-secret&redirect_uri={redirect}");
            let t = call(fake, "POST", "/oauth/token", None, Some(("application/x-www-form-urlencoded", &form))).await;
            let token = t.json()["access_token"].as_str().expect("token").to_string();
            get(fake, "/api/v1/accounts/verify_credentials", &token).await.json()
        }
    };
    let admin = role_of("admin").await;
    assert_eq!((admin["username"].clone(), admin["role"]["name"].clone()), (json!("admin"), json!("Admin")));
    let alice = role_of("alice").await;
    assert_eq!(alice["username"], json!("alice"));
    let perms: u64 = alice["role"]["permissions"].as_str().unwrap().parse().unwrap();
    assert_eq!(perms & (1 | (1 << 10)), 0, "no administrator or manage_users bit: {alice}");
    let r = common::send(fake.addr(), "GET", "/auth/sign_in?user=nobody", &[], None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn injected_failures_hit_the_chosen_routes_only() {
    let (fake, ids) = seeded(Clock::manual(T0 + 5_000)).await;
    fake.faults().fail_path = Some("/action".into());
    let action = format!("/api/v1/admin/accounts/{}/action", ids[1]);
    let r = post_form(&fake, &action, DEFAULT_TOKEN, "type=silence").await;
    assert_eq!((r.status, r.json()), (500, json!({"error": "Internal Server Error"})));
    assert!(r.header("x-ratelimit-remaining").is_some(), "the rate limit counted it");
    assert_eq!(get(&fake, "/api/v2/instance", DEFAULT_TOKEN).await.status, 200);
    assert!(!fake.world().account(&ids[1]).is_some_and(|a| a.silenced), "a failed call changes nothing");
    {
        let mut f = fake.faults();
        f.fail_path = None;
        f.fail_next = 1;
        f.fail_status = 503;
    }
    assert_eq!(post_form(&fake, &action, DEFAULT_TOKEN, "type=silence").await.status, 503);
    assert_eq!(post_form(&fake, &action, DEFAULT_TOKEN, "type=silence").await.status, 200, "the retry goes through");
    assert_eq!(fake.summary()["injected_failures"], 2);
}
