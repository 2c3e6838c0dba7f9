//! The engine on events built by hand: the edges between detectors, evidence, restarts.
//! (Whole generated scenarios run in `moat-testkit`'s tests.)

use super::*;
use crate::action::{ActionKind, Detector};
use crate::event::{AutoModHit, AutoModRule, GuildKnown, MemberJoined, Message, Role};
use crate::id::{ChannelId, MessageId, RoleId};
use crate::links::BlocklistJudge;
use crate::time::{DAY, SECOND};

const T0: Millis = 1_767_272_400_000;
const G: GuildId = GuildId(1);
const MOD_ROLE: RoleId = RoleId(50);
const MODERATOR: UserId = UserId(60);

fn engine() -> Engine {
    Engine::new(Config::default(), Box::new(BlocklistJudge::new(["known-scam.example"])))
}

/// The guild, with a moderator role.
fn guild(g: GuildId) -> Event<'static> {
    Event::GuildKnown(GuildKnown {
        guild: g,
        name: "g".into(),
        owner: UserId(2),
        roles: vec![Role { id: MOD_ROLE, moderates: true, everyone: false }],
        member_count: Some(100),
    })
}

/// A message by a member of long standing.
fn say(id: u64, author: u64, channel: u64, content: &str) -> Message<'_> {
    Message {
        guild: G,
        id: MessageId(id),
        channel: ChannelId(channel),
        author: UserId(author),
        account_created: T0 - 900 * DAY,
        author_name: "someone".into(),
        joined_at: Some(T0 - 400 * DAY),
        content: content.into(),
        ..Default::default()
    }
}

fn run(e: &mut Engine, events: &[(Millis, Event)]) -> Vec<Action> {
    let mut out = Vec::new();
    for (ts, ev) in events {
        e.handle(*ts, ev, &mut out);
    }
    out
}

#[test]
fn scam_links_on_the_blocklist_are_deleted_and_contained_at_once_with_their_evidence() {
    let text = "free nitro https://known-scam.example/claim";
    let actions = run(&mut engine(), &[(T0, guild(G)), (T0 + 1, Event::Message(say(10, 7, 3, text)))]);
    let del = actions.iter().find(|a| a.kind == ActionKind::DeleteMessage).expect("deleted");
    assert_eq!(del.message_id, Some(MessageId(10)));
    assert_eq!(del.evidence.messages[0].content, text);
    let t = actions.iter().find(|a| a.kind.is_punitive()).expect("contained");
    assert_eq!(t.detector, Detector::Scam);
    assert_eq!(t.duration_ms, Some(86_400_000), "scams start at the third rung: a day");
    assert_eq!(t.evidence.messages[0].content, text);
    assert!(t.evidence.facts.iter().any(|(k, v)| k == "account_age" && v == "900 days"), "{:?}", t.evidence);
    assert!(actions.iter().all(|a| a.incident == t.incident && a.incident.is_some()));
}

#[test]
fn a_moderator_posting_a_scam_is_alerted_not_punished() {
    let m = Message { roles: vec![MOD_ROLE], ..say(10, MODERATOR.get(), 3, "https://known-scam.example/claim") };
    let actions = run(&mut engine(), &[(T0, guild(G)), (T0 + 1, Event::Message(m))]);
    assert!(actions.iter().all(|a| !a.kind.is_punitive() && a.kind != ActionKind::DeleteMessage), "{actions:?}");
    assert!(actions.iter().any(|a| a.kind == ActionKind::Alert && a.reason.contains("taken over")));
}

#[test]
fn a_campaigns_earlier_posts_are_deleted_with_their_evidence() {
    // A young account posts the same link in three channels, the first post over 30 s before
    // the third: past the short window, yet still deleted, and still with its text.
    let post = |id, ch| Message { account_created: T0 - 2 * DAY, ..say(id, 7, ch, "look https://x.example/a") };
    let events = [
        (T0, guild(G)),
        (T0 + 1, Event::Message(post(10, 3))),
        (T0 + 25 * SECOND, Event::Message(post(11, 4))),
        (T0 + 50 * SECOND, Event::Message(post(12, 5))),
    ];
    let actions = run(&mut engine(), &events);
    let deletes: Vec<&Action> = actions.iter().filter(|a| a.kind == ActionKind::DeleteMessage).collect();
    assert_eq!(deletes.len(), 3, "{actions:?}");
    for d in deletes {
        assert_eq!(d.evidence.messages.len(), 1, "{d:?}");
        assert_eq!(Some(d.evidence.messages[0].message_id), d.message_id);
        assert_eq!(d.evidence.messages[0].content, "look https://x.example/a");
    }
}

#[test]
fn scrapers_joining_many_guilds_silently_are_flagged_in_each() {
    let mut e = engine();
    let spy = UserId(99);
    let guilds = [GuildId(10), GuildId(11), GuildId(12), GuildId(13)];
    let mut events: Vec<(Millis, Event)> = guilds.iter().map(|&g| (T0, guild(g))).collect();
    for (i, &g) in guilds.iter().enumerate() {
        let join = MemberJoined {
            guild: g,
            user: spy,
            account_created: T0 - 200 * DAY,
            username: "observer".into(),
            ..Default::default()
        };
        events.push((T0 + i as u64 * 600_000, Event::MemberJoined(join)));
    }
    // Three silent joins are a person who joined sister servers: nothing yet.
    let out = run(&mut e, &events[..guilds.len() + 3]);
    assert!(out.iter().all(|a| a.kind != ActionKind::Flag), "{out:?}");
    let out = run(&mut e, &events[guilds.len() + 3..]);
    let flags: Vec<&Action> = out.iter().filter(|a| a.kind == ActionKind::Flag).collect();
    assert_eq!(flags.len(), 4, "{out:?}");
    assert!(flags.iter().all(|a| a.detector == Detector::Scraper && a.user_ids == [spy]));
    let mut told: Vec<GuildId> = flags.iter().map(|a| a.guild_id).collect();
    told.sort();
    assert_eq!(told, guilds);
}

fn automod(user: UserId) -> Event<'static> {
    Event::AutoModHit(AutoModHit { guild: G, user, account_created: T0 - 3 * DAY, rule: AutoModRule::Keyword })
}

#[test]
fn three_automod_hits_in_a_row_contain() {
    let mut e = engine();
    let events: Vec<(Millis, Event)> = (0..3).map(|i| (T0 + i * 2_000, automod(UserId(42)))).collect();
    let out = run(&mut e, &events);
    let t = out.iter().find(|a| a.kind.is_punitive()).expect("the third hit contains");
    assert_eq!(t.detector, Detector::AutoMod);
    assert_eq!(t.user_ids, [UserId(42)]);
    assert!(t.reason.contains("(Keyword rule)"), "{}", t.reason);
}

#[test]
fn seeded_strikes_survive_a_restart() {
    let mut e = engine();
    e.seed_member(G, UserId(42), 2.0, T0, 0);
    // The member already holds two strikes: one AutoMod hit makes three.
    let out = run(&mut e, &[(T0 + 1_000, automod(UserId(42)))]);
    let t = out.iter().find(|a| a.kind.is_punitive()).expect("contained");
    assert!(t.reason.contains("strike 3, rung 3"), "{}", t.reason);
    let mut e = engine();
    e.seed_member(G, UserId(43), 0.0, 0, T0 + 100_000);
    assert!(e.user_state(G, UserId(43)).unwrap().is_contained(T0 + 99_999));
}

#[test]
fn idle_state_expires_so_memory_stays_flat() {
    let mut e = engine();
    let events: Vec<(Millis, Event)> =
        (0..50).map(|i| (T0 + i * 1_000, Event::Message(say(100 + i, 7 + i % 5, 3, "hello there")))).collect();
    run(&mut e, &events);
    assert!(e.stats().users > 0 && e.stats().recent_messages > 0);
    let mut out = Vec::new();
    e.advance(e.now() + 3_600_000, &mut out);
    let st = e.stats();
    assert_eq!(st.users, 0, "{st:?}");
    assert_eq!(st.recent_messages, 0);
}

#[test]
fn a_guild_that_goes_is_forgotten() {
    let mut e = engine();
    run(&mut e, &[(T0, guild(G)), (T0 + 1, Event::Message(say(10, 7, 3, "hi")))]);
    assert!(e.user_state(G, UserId(7)).is_some());
    run(&mut e, &[(T0 + 2, Event::GuildGone(crate::event::GuildGone { guild: G }))]);
    assert!(e.user_state(G, UserId(7)).is_none());
    assert_eq!(e.stats().guilds, 0);
}

#[test]
fn a_guild_whose_roles_are_unknown_only_gets_alerts_that_say_so() {
    let scam = |id| Event::Message(say(id, 8 + id, 3, "free nitro https://known-scam.example/claim"));
    let mut out = Vec::new();
    let mut e = engine();
    e.alert_only_without_roles(true);
    e.handle(T0, &scam(1), &mut out);
    assert!(!out.is_empty());
    for a in &out {
        assert_eq!(a.kind, ActionKind::Alert, "{a:?}");
        assert!(a.reason.contains("roles are unknown (no GUILD_CREATE seen)"), "{}", a.reason);
    }
    assert!(out.iter().any(|a| a.reason.contains("would have done `delete_message`")));
    // Once the guild is known, moat acts.
    out.clear();
    e.handle(T0 + 1, &guild(G), &mut out);
    e.handle(T0 + 2, &scam(2), &mut out);
    assert!(out.iter().any(|a| a.kind == ActionKind::DeleteMessage));
    assert!(out.iter().any(|a| a.kind.is_punitive()));
}

#[test]
fn top_pressure_lists_the_busiest_members_first_and_drains_with_time() {
    let mut e = engine();
    let texts: Vec<String> = (0..4).map(|i| format!("line number {i}")).collect();
    let mut events = vec![(T0, guild(G))];
    for (i, text) in texts.iter().enumerate() {
        events.push((T0 + 10 + i as u64, Event::Message(say(100 + i as u64, 7, 3, text))));
    }
    events.push((T0 + 20, Event::Message(say(200, 8, 3, "hello"))));
    run(&mut e, &events);
    let (top, limit) = e.top_pressure(G, T0 + 30, 10);
    assert_eq!(limit, Config::default().defaults.pressure.limit);
    assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), vec![UserId(7), UserId(8)], "{top:?}");
    assert!(top[0].1 > top[1].1 && top[1].1 > 0.0, "{top:?}");
    assert_eq!(e.top_pressure(G, T0 + 30, 1).0.len(), 1, "at most n");
    assert!(e.top_pressure(G, T0 + DAY, 10).0.is_empty(), "a day later nobody is under pressure");
    assert!(e.top_pressure(GuildId(99), T0, 10).0.is_empty(), "an unknown guild has nobody");
}
