//! Every REST call is held to Discord's own OpenAPI spec: the bot's string
//! `default_member_permissions` is flagged, unknown routes and over-long fields are flagged,
//! a clean run asserts clean, and `SpecMode::Reject` answers what a strict Discord would.

mod support;

use moat_fake_discord::{FakeDiscord, Options, SpecMode, DEFAULT_BOT_ID};
use support::bot_call;

/// The `/moat` registration as the bot sends it today (`default_member_permissions` as a
/// string, as `moat-discord`'s commands.rs and twilight-model's `Permissions` write it).
fn moat_command(perms: &str) -> String {
    format!(
        r#"[{{"name":"moat","description":"moat, the guard","type":1,"default_member_permissions":{perms},
            "options":[{{"type":1,"name":"status","description":"What moat sees now"}}]}}]"#
    )
}

#[tokio::test]
async fn default_member_permissions_as_a_string_is_flagged() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let path = format!("/applications/{DEFAULT_BOT_ID}/commands");
    let r = bot_call(&fake, "PUT", &path, &moat_command("\"1099511627776\"")).await;
    assert_eq!(r.status, 200, "recorded, not refused: Discord takes the string too");
    let bad = fake.spec_violations();
    assert_eq!(bad.len(), 1);
    assert_eq!(
        bad[0].violations,
        vec![r#"body /0/default_member_permissions: expected integer or null, got string "1099511627776""#]
    );
    let caught = std::panic::catch_unwind(|| fake.assert_spec_clean());
    assert!(caught.is_err(), "the e2e check fails on it");

    fake.clear_calls();
    let r = bot_call(&fake, "PUT", &path, &moat_command("1099511627776")).await;
    assert_eq!(r.status, 200);
    fake.assert_spec_clean();
}

#[tokio::test]
async fn twilight_calls_are_checked_too() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let client = support::client(&fake);
    assert!(client.current_user().await.is_ok());
    let _ = client.guild(twilight_model::id::Id::new(42)).await;
    fake.assert_spec_clean();
    let calls = fake.calls();
    assert_eq!(calls.len(), 2);
    assert!(calls[1].is("GET", "/guilds/42") && calls[1].status == 404, "an unknown guild is still a valid call");
}

#[tokio::test]
async fn routes_fields_and_limits() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    bot_call(&fake, "POST", "/guilds/1/ban-everyone", "{}").await;
    bot_call(
        &fake,
        "POST",
        "/guilds/1/bulk-ban",
        &format!(r#"{{"user_ids":[{}]}}"#, (2..203).map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(",")),
    )
    .await;
    bot_call(&fake, "POST", "/channels/1/messages", &format!(r#"{{"content":"{}"}}"#, "a".repeat(4001))).await;
    bot_call(&fake, "PATCH", "/guilds/1", r#"{"verification_level":"high"}"#).await;
    let v: Vec<String> = fake.spec_violations().iter().map(|c| c.violations.join(" | ")).collect();
    assert_eq!(v.len(), 4, "{v:#?}");
    assert!(v[0].contains("no such route"), "{}", v[0]);
    assert_eq!(v[1], "body /user_ids: 201 items, at most 200 allowed");
    assert!(v[2].contains("/content: 4001 characters, at most 4000"), "{}", v[2]);
    assert!(v[3].contains("/verification_level"), "{}", v[3]);
}

#[tokio::test]
async fn reject_mode_answers_invalid_form_body() {
    let fake = FakeDiscord::start(Options { spec: SpecMode::Reject, ..Options::default() }).await.unwrap();
    let path = format!("/applications/{DEFAULT_BOT_ID}/commands");
    let r = bot_call(&fake, "PUT", &path, &moat_command("\"8\"")).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], 50035);
    assert!(fake.world().global_commands.is_empty(), "nothing registered");
    let r = bot_call(&fake, "PUT", &path, &moat_command("8")).await;
    assert_eq!(r.status, 200);

    let off = FakeDiscord::start(Options { spec: SpecMode::Off, ..Options::default() }).await.unwrap();
    bot_call(&off, "PUT", &path, &moat_command("\"8\"")).await;
    assert!(off.spec_violations().is_empty());
}
