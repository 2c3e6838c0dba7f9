//! Discord's limits that no spec states: the invalid-request ban (401/403/429 answers per
//! 10 minutes, shared-scope 429s excepted), timeouts at most exactly 28 days ahead,
//! incident actions at most exactly 24 hours ahead, and command registration limits.

mod support;

use std::time::Duration;

use moat_fake_discord::rest::iso_from_ms;
use moat_fake_discord::{BanAnswer, FakeDiscord, InvalidRequestRules, Options, Pace, DEFAULT_BOT_ID};
use serde_json::json;
use support::{bot_call, Guild, DAY, T0};
use twilight_http::Client;
use twilight_model::id::Id;
use twilight_model::util::Timestamp;

fn banning_after(limit: u32, answer: BanAnswer) -> Options {
    Options {
        invalid_requests: InvalidRequestRules { limit, window_ms: 600_000, ban_ms: 60_000, answer },
        ..Options::default()
    }
}

#[tokio::test]
async fn too_many_invalid_requests_ban_the_client() {
    let fake = FakeDiscord::start(banning_after(5, BanAnswer::Forbidden)).await.unwrap();
    fake.advance_clock(0);
    let bad =
        Client::builder().token("wrong".into()).proxy(fake.rest_proxy(), true).remember_invalid_token(false).build();
    for _ in 0..4 {
        assert!(bad.current_user().await.is_err());
    }
    assert_eq!(fake.invalid_requests().in_window, 4);
    // Shared-scope 429s do not count; the good client waits them out.
    let good = support::client(&fake);
    fake.limiter().storm_shared(2, Duration::from_millis(50));
    good.current_user().await.expect("after the shared 429s");
    assert_eq!(fake.invalid_requests().in_window, 4);
    assert!(bad.current_user().await.is_err());
    let count = fake.invalid_requests();
    assert_eq!((count.bans, count.banned_until), (1, Some(fake.now_ms() + 60_000)));
    // Banned: even the good client's calls are refused, by Cloudflare, not by Discord.
    let r = bot_call(&fake, "GET", "/users/@me", "").await;
    assert_eq!((r.status, r.body.as_str()), (403, "error code: 1020"));
    fake.advance_clock(60_000);
    good.current_user().await.expect("the ban is over");
    assert_eq!(fake.invalid_requests().refused, 1);
}

#[tokio::test]
async fn the_ban_can_answer_429_like_cloudflare_and_old_answers_expire() {
    let fake = FakeDiscord::start(banning_after(3, BanAnswer::TooManyRequests)).await.unwrap();
    fake.advance_clock(0);
    for _ in 0..2 {
        assert_eq!(support::http(&fake.rest_proxy(), "GET", "/api/v10/users/@me", &[], "").await.status, 401);
    }
    fake.advance_clock(600_000);
    assert_eq!(fake.invalid_requests().in_window, 0, "ten minutes later they are forgotten");
    for _ in 0..3 {
        support::http(&fake.rest_proxy(), "GET", "/api/v10/users/@me", &[], "").await;
    }
    let r = bot_call(&fake, "GET", "/users/@me", "").await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("60")));
    assert_eq!(r.header("x-ratelimit-scope"), None, "not one of Discord's own limits");
}

async fn guild_with_member(fake: &FakeDiscord) -> (Guild, u64) {
    let g = Guild::new(1);
    let user = support::sf(T0 - 30 * DAY, 3);
    fake.play(&[g.create(T0), g.join(T0 + 1, user)].join("\n"), Pace::Fast).await;
    (g, user)
}

#[tokio::test]
async fn timeouts_end_at_most_exactly_28_days_ahead() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let (g, user) = guild_with_member(&fake).await;
    let client = support::client(&fake);
    let now = fake.now_ms();
    let at = |ms: u64| Timestamp::parse(&iso_from_ms(ms)).unwrap();
    let ok =
        client.update_guild_member(Id::new(g.id), Id::new(user)).communication_disabled_until(Some(at(now + 28 * DAY)));
    assert!(ok.await.is_ok(), "exactly 28 days");
    let late = client
        .update_guild_member(Id::new(g.id), Id::new(user))
        .communication_disabled_until(Some(at(now + 28 * DAY + 1)))
        .await
        .unwrap_err();
    assert_eq!(support::api_error(&late), Some((400, 50035)));
    let r = bot_call(
        &fake,
        "PATCH",
        &format!("/guilds/{}/members/{user}", g.id),
        &json!({"communication_disabled_until": iso_from_ms(now + 28 * DAY + 1)}).to_string(),
    )
    .await;
    assert_eq!(
        r.json()["errors"]["communication_disabled_until"]["_errors"][0]["code"],
        "INVALID_COMMUNICATION_DISABLED_TIMESTAMP"
    );

    // A timeout computed when the bot decided, sent after the clock moved on, still fits;
    // with the 60 s of slack the fake allowed before, one a minute too long was let through.
    let lenient = FakeDiscord::start(Options { exact_time_limits: false, ..Options::default() }).await.unwrap();
    let (g2, u2) = guild_with_member(&lenient).await;
    let r = bot_call(
        &lenient,
        "PATCH",
        &format!("/guilds/{}/members/{u2}", g2.id),
        &json!({"communication_disabled_until": iso_from_ms(lenient.now_ms() + 28 * DAY + 30_000)}).to_string(),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn incident_actions_end_at_most_exactly_24_hours_ahead() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let (g, _) = guild_with_member(&fake).await;
    let path = format!("/guilds/{}/incident-actions", g.id);
    let now = fake.now_ms();
    let body = |ms: u64| json!({"invites_disabled_until": iso_from_ms(ms), "dms_disabled_until": null}).to_string();
    assert_eq!(bot_call(&fake, "PUT", &path, &body(now + DAY)).await.status, 200);
    let r = bot_call(&fake, "PUT", &path, &body(now + DAY + 1)).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], 50035);
    assert!(r.json()["errors"]["invites_disabled_until"].is_object(), "{}", r.body);
    fake.assert_spec_clean();
}

fn command(name: &str) -> serde_json::Value {
    json!({"name": name, "description": "a command", "type": 1})
}

#[tokio::test]
async fn command_registration_limits() {
    let mut opts = Options::default();
    opts.commands.daily_creates = 150;
    let fake = FakeDiscord::start(opts).await.unwrap();
    let path = format!("/applications/{DEFAULT_BOT_ID}/commands");
    let r = bot_call(&fake, "PUT", &path, &json!([command("Moat")]).to_string()).await;
    assert_eq!((r.status, r.json()["code"].as_u64()), (400, Some(50035)), "chat-input names are lowercase");
    let r = bot_call(&fake, "PUT", &path, &json!([{"name": "moat", "description": "", "type": 1}]).to_string()).await;
    assert_eq!(r.status, 400, "a chat-input command needs a description");

    let many: Vec<_> = (0..101).map(|i| command(&format!("c{i}"))).collect();
    let r = bot_call(&fake, "PUT", &path, &serde_json::Value::from(many.clone()).to_string()).await;
    assert_eq!(r.json()["code"], 30032, "100 global chat-input commands at most");
    let r = bot_call(&fake, "PUT", &path, &serde_json::Value::from(many[..100].to_vec()).to_string()).await;
    assert_eq!(r.status, 200);
    // 100 created today; overwriting with the same names creates nothing new.
    assert_eq!(
        bot_call(&fake, "PUT", &path, &serde_json::Value::from(many[..100].to_vec()).to_string()).await.status,
        200
    );
    let renamed: Vec<_> = (0..60).map(|i| command(&format!("d{i}"))).collect();
    let r = bot_call(&fake, "PUT", &path, &serde_json::Value::from(renamed).to_string()).await;
    assert_eq!(r.json()["code"], 30034, "the daily creates ran out: {}", r.body);
    fake.advance_clock(DAY);
    let renamed: Vec<_> = (0..60).map(|i| command(&format!("d{i}"))).collect();
    assert_eq!(bot_call(&fake, "PUT", &path, &serde_json::Value::from(renamed).to_string()).await.status, 200);
    let r = bot_call(&fake, "POST", &path, &command("extra").to_string()).await;
    assert_eq!(r.status, 201);
    assert_eq!(fake.world().global_commands.len(), 61);
}
