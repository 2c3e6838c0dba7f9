//! Interactions through the real twilight client: a deferred ephemeral answer and its edit
//! and follow-up are accepted; an answer after 3 s on the fake's clock is refused with
//! 10062, a second answer with 40060, a follow-up after 15 minutes with 50027; a bot that
//! does its REST work first runs out of its 3 s when calls cost time; `run_moat` builds the
//! command from what the bot registered, and the shard receives it.

mod support;

use moat_fake_discord::{AnswerKind, FakeDiscord, Options, Pace, SlashCommand, DEFAULT_BOT_ID};
use serde_json::json;
use support::{api_error, Guild, DAY, T0};
use twilight_model::application::interaction::InteractionData;
use twilight_model::channel::message::MessageFlags;
use twilight_model::gateway::event::Event;
use twilight_model::http::interaction::{InteractionResponse, InteractionResponseData, InteractionResponseType};
use twilight_model::id::Id;

const MODERATE_MEMBERS: u64 = 1 << 40;

async fn fake_with_guild(opts: Options) -> (FakeDiscord, Guild) {
    let fake = FakeDiscord::start(opts).await.unwrap();
    let g = Guild::new(1);
    fake.play(&g.create(T0), Pace::Fast).await;
    (fake, g)
}

fn deferred() -> InteractionResponse {
    InteractionResponse {
        kind: InteractionResponseType::DeferredChannelMessageWithSource,
        data: Some(InteractionResponseData { flags: Some(MessageFlags::EPHEMERAL), ..Default::default() }),
    }
}

fn moderator() -> u64 {
    support::sf(T0 - 500 * DAY, 9)
}

#[tokio::test]
async fn deferred_then_edited_then_followed_up() {
    let (fake, g) = fake_with_guild(Options::default()).await;
    let client = support::client(&fake);
    let id = fake.send_command(&SlashCommand::moat(g.id, moderator(), MODERATE_MEMBERS, json!([])));
    let rec = fake.interaction(id).expect("recorded when sent");
    assert_eq!((rec.guild_id, rec.channel_id, rec.user_id), (Some(g.id), g.channel, moderator()));
    let app = client.interaction(Id::new(DEFAULT_BOT_ID));
    app.create_response(Id::new(id), &rec.token, &deferred()).await.expect("in time");
    fake.advance_clock(14 * 60_000);
    app.update_response(&rec.token).content(Some("Banned 30 raiders")).await.expect("within 15 minutes");
    app.create_followup(&rec.token).content("and one more thing").await.expect("a follow-up");
    let rec = fake.interaction(id).unwrap();
    assert!(rec.deferred() && rec.ephemeral());
    assert_eq!(rec.first_response_ms(), Some(0));
    assert_eq!(rec.original.as_deref(), Some("Banned 30 raiders"));
    let kinds: Vec<&AnswerKind> = rec.answers.iter().map(|a| &a.kind).collect();
    assert_eq!(kinds, [&AnswerKind::Callback(5), &AnswerKind::EditOriginal, &AnswerKind::Followup]);
    assert!(rec.refused().is_empty());
    assert_eq!(rec.answers[1].at_ms - rec.sent_at_ms, 14 * 60_000, "times are the fake's clock");
    fake.assert_spec_clean();
    assert_eq!(fake.invalid_requests().total, 0);
}

#[tokio::test]
async fn late_twice_and_expired_answers_are_refused() {
    let (fake, g) = fake_with_guild(Options::default()).await;
    let client = support::client(&fake);
    let app = client.interaction(Id::new(DEFAULT_BOT_ID));

    let late = fake.send_command(&SlashCommand::moat(g.id, moderator(), MODERATE_MEMBERS, json!([])));
    let token = fake.interaction(late).unwrap().token;
    fake.advance_clock(3_001);
    let e = app.create_response(Id::new(late), &token, &deferred()).await.unwrap_err();
    assert_eq!(api_error(&e), Some((404, 10062)), "Unknown interaction");
    let e = app.update_response(&token).content(Some("x")).await.unwrap_err();
    assert_eq!(api_error(&e), Some((404, 10008)), "nothing to edit: it was never answered");

    let twice = fake.send_command(&SlashCommand::moat(g.id, moderator(), MODERATE_MEMBERS, json!([])));
    let token = fake.interaction(twice).unwrap().token;
    fake.advance_clock(3_000);
    app.create_response(Id::new(twice), &token, &deferred()).await.expect("3 s exactly is in time");
    let e = app.create_response(Id::new(twice), &token, &deferred()).await.unwrap_err();
    assert_eq!(api_error(&e), Some((400, 40060)), "already acknowledged");
    fake.advance_clock(15 * 60_000);
    let e = app.create_followup(&token).content("too late").await.unwrap_err();
    assert_eq!(api_error(&e), Some((401, 50027)), "the token lasts 15 minutes");

    let e = app.create_response(Id::new(99), "no-such-token", &deferred()).await.unwrap_err();
    assert_eq!(api_error(&e), Some((404, 10062)));
    assert_eq!(fake.interaction(late).unwrap().refused().len(), 2);
    assert_eq!(fake.invalid_requests().total, 1, "the 401 counts towards the ban; 404s and 400s do not");
}

#[tokio::test]
async fn work_before_the_answer_runs_out_the_deadline_when_calls_cost_time() {
    let (fake, g) = fake_with_guild(Options { rest_latency_ms: 1_000, ..Options::default() }).await;
    let client = support::client(&fake);
    let app = client.interaction(Id::new(DEFAULT_BOT_ID));
    let cmd = SlashCommand::moat(g.id, moderator(), MODERATE_MEMBERS, json!([]));

    // What `/moat lockdown` does today: read the guild, change it, then answer.
    let slow = fake.send_command(&cmd);
    for _ in 0..4 {
        client.guild(Id::new(g.id)).await.expect("a guild read");
    }
    let token = fake.interaction(slow).unwrap().token;
    let e = app.create_response(Id::new(slow), &token, &deferred()).await.unwrap_err();
    assert_eq!(api_error(&e), Some((404, 10062)));
    assert_eq!(fake.interaction(slow).unwrap().first_response_ms(), Some(4_000));

    // Deferring first, then doing the work, then editing: in time.
    let quick = fake.send_command(&cmd);
    let token = fake.interaction(quick).unwrap().token;
    app.create_response(Id::new(quick), &token, &deferred()).await.expect("answered at once");
    for _ in 0..4 {
        client.guild(Id::new(g.id)).await.expect("a guild read");
    }
    app.update_response(&token).content(Some("Locked down")).await.expect("edited after the work");
    let rec = fake.interaction(quick).unwrap();
    assert_eq!(rec.first_response_ms(), Some(0));
    assert!(rec.refused().is_empty());
}

#[tokio::test]
async fn run_moat_follows_the_registered_definition() {
    let (fake, g) = fake_with_guild(Options::default()).await;
    let def = json!([{"name": "moat", "description": "moat", "default_member_permissions": 1_099_511_627_776u64, "options": [
        {"type": 2, "name": "raid", "description": "Raids", "options": [{"type": 1, "name": "ban", "description": "Ban them"}]},
        {"type": 1, "name": "silence", "description": "Time out", "options": [
            {"type": 6, "name": "user", "description": "Who", "required": true},
            {"type": 4, "name": "minutes", "description": "How long"}]}]}]);
    let r =
        support::bot_call(&fake, "PUT", &format!("/applications/{DEFAULT_BOT_ID}/commands"), &def.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut shard = support::shard(&fake, 0, 1);
    support::ready(&mut shard).await;
    assert!(fake.run_moat(g.id, moderator(), MODERATE_MEMBERS, "raid nuke").is_none());
    let id = fake.run_moat(g.id, moderator(), MODERATE_MEMBERS, "silence user:42 minutes:15").unwrap();
    let ev = loop {
        if let Some(Event::InteractionCreate(i)) = support::next(&mut shard).await {
            break i;
        }
    };
    assert_eq!(ev.id.get(), id);
    let Some(InteractionData::ApplicationCommand(data)) = &ev.data else { panic!("a command") };
    assert_eq!(data.name, "moat");
    assert_eq!(data.options[0].name, "silence");
    let perms = ev.member.as_ref().and_then(|m| m.permissions).map(|p| p.bits());
    assert_eq!(perms, Some(MODERATE_MEMBERS));
    fake.assert_spec_clean();
}
