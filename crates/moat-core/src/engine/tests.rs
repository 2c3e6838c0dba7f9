//! The engine end to end on generated scenarios, and on the edges between detectors.

use super::*;
use crate::action::{ActionKind, Detector};
use crate::capture::parse_line;
use crate::links::BlocklistJudge;
use crate::synth::{scenarios, score::score, Scenario};

fn run(engine: &mut Engine, capture: &str) -> Vec<Action> {
    let mut out = Vec::new();
    for line in capture.lines() {
        let ev = parse_line(line).expect("generated lines parse");
        engine.handle(ev.ts, &ev.event, &mut out);
    }
    engine.drain(&mut out);
    out
}

fn engine() -> Engine {
    // The scenarios' scam domains are unseen: the core's blocklist knows none of them, so
    // scams must be caught by their shape (campaigns) here.
    let popular = [
        "youtube.com",
        "wikipedia.org",
        "github.com",
        "steampowered.com",
        "steamcommunity.com",
        "twitch.tv",
        "reddit.com",
        "docs.rs",
        "imgur.com",
        "discord.com",
        "twitter.com",
    ];
    Engine::new(Config::default(), Box::new(BlocklistJudge::new(["known-scam.example"]).trusting(popular)))
}

fn check(gen: fn(u64) -> Scenario, seeds: std::ops::Range<u64>) {
    for seed in seeds {
        let sc = gen(seed);
        let actions = run(&mut engine(), &sc.capture);
        let s = score(&sc, &actions);
        assert!(s.perfect(), "{} seed {seed}: {s:?}", sc.name);
        for a in &actions {
            assert!(!a.reason.is_empty(), "every action says why: {a:?}");
            if a.kind.is_punitive() {
                assert_ne!(a.incident, 0, "punishments belong to an incident: {a:?}");
            }
        }
    }
}

#[test]
fn quiet_chat_is_left_alone() {
    check(scenarios::quiet_chat, 0..3);
}

#[test]
fn floods_are_contained() {
    check(scenarios::flood, 0..3);
}

#[test]
fn raids_are_contained_including_silent_members() {
    check(scenarios::raid, 0..3);
}

#[test]
fn scam_takeovers_are_contained_by_their_campaign_shape() {
    check(scenarios::scam_takeover, 0..3);
}

#[test]
fn mention_spam_is_contained_and_moderators_are_not() {
    check(scenarios::mention_spam, 0..3);
}

#[test]
fn a_stream_influx_is_not_a_raid() {
    check(scenarios::stream_influx, 0..3);
}

#[test]
fn a_hype_moment_is_not_a_flood() {
    check(scenarios::hype_moment, 0..3);
}

#[test]
fn a_slow_raid_is_contained() {
    check(scenarios::slow_raid, 0..3);
}

#[test]
fn edits_are_judged() {
    check(scenarios::edit_attack, 0..3);
}

#[test]
fn unicode_tricks_are_contained() {
    check(scenarios::unicode_tricks, 0..3);
}

#[test]
fn every_deletion_carries_the_deleted_message() {
    for sc in [scenarios::raid(4), scenarios::flood(4), scenarios::scam_takeover(4)] {
        let actions = run(&mut engine(), &sc.capture);
        let deletes: Vec<&Action> = actions.iter().filter(|a| a.kind == ActionKind::DeleteMessage).collect();
        assert!(!deletes.is_empty());
        for d in deletes {
            let ev = &d.evidence.messages;
            assert_eq!(ev.len(), 1, "{d:?}");
            assert_eq!(Some(ev[0].message_id), d.message_id);
            assert_eq!(d.user_ids, [ev[0].author_id]);
        }
    }
}

#[test]
fn replays_are_deterministic() {
    let sc = scenarios::raid(7);
    let a = run(&mut engine(), &sc.capture);
    let b = run(&mut engine(), &sc.capture);
    assert_eq!(a, b);
}

#[test]
fn a_raid_locks_down_and_unlocks_and_alerts_once() {
    let sc = scenarios::raid(1);
    let actions = run(&mut engine(), &sc.capture);
    let kinds = |k: ActionKind| actions.iter().filter(|a| a.kind == k).count();
    assert_eq!(kinds(ActionKind::Lockdown), 1);
    assert_eq!(kinds(ActionKind::Unlock), 1);
    let lock = actions.iter().position(|a| a.kind == ActionKind::Lockdown).unwrap();
    let unlock = actions.iter().position(|a| a.kind == ActionKind::Unlock).unwrap();
    assert!(lock < unlock);
    let raid_alerts = actions.iter().filter(|a| a.kind == ActionKind::Alert && a.detector == Detector::Raid).count();
    assert_eq!(raid_alerts, 2, "one alert when it starts, one summary when it ends");
}

#[test]
fn scam_links_on_the_blocklist_are_deleted_and_contained_at_once() {
    let mut w = crate::synth::World::new(3, 1_767_272_400_000, 10);
    let p = w.regulars[0].clone();
    let id = w.say(&p, 0, 1_767_272_500_000, "free nitro https://known-scam.example/claim", &[], false);
    let actions = run(&mut engine(), &w.capture());
    let del = actions.iter().find(|a| a.kind == ActionKind::DeleteMessage).expect("deleted");
    assert_eq!(del.message_id, Some(id));
    let t = actions.iter().find(|a| a.kind.is_punitive()).expect("contained");
    assert_eq!(t.detector, Detector::Scam);
    assert_eq!(t.duration_ms, Some(86_400_000), "scams start at the third rung: a day");
    assert_eq!(t.evidence.messages[0].content, "free nitro https://known-scam.example/claim");
}

#[test]
fn a_moderator_posting_a_scam_is_alerted_not_punished() {
    let mut w = crate::synth::World::new(3, 1_767_272_400_000, 10);
    let m = w.moderators[1].clone();
    w.say(&m, 0, 1_767_272_500_000, "https://known-scam.example/claim", &[], false);
    let actions = run(&mut engine(), &w.capture());
    assert!(actions.iter().all(|a| !a.kind.is_punitive() && a.kind != ActionKind::DeleteMessage), "{actions:?}");
    assert!(actions.iter().any(|a| a.kind == ActionKind::Alert && a.reason.contains("taken over")));
}

#[test]
fn scrapers_joining_many_guilds_silently_are_flagged_in_each() {
    let mut e = engine();
    let mut out = Vec::new();
    let mut ws: Vec<crate::synth::World> =
        (0..3).map(|i| crate::synth::World::new(10 + i, 1_767_272_400_000, 5)).collect();
    let lines: Vec<String> = ws.iter().map(|w| w.lines[0].1.clone()).collect();
    for l in &lines {
        let ev = parse_line(l).unwrap();
        e.handle(ev.ts, &ev.event, &mut out);
    }
    let spy = ws[0].newcomer("observer".into(), 200 * crate::snowflake::DAY, true, 1_767_272_400_000);
    for (i, w) in ws.iter_mut().enumerate() {
        w.lines.clear();
        w.join(&spy, 1_767_272_400_000 + i as u64 * 600_000);
        let ev = parse_line(&w.lines[0].1).unwrap();
        e.handle(ev.ts, &ev.event, &mut out);
    }
    let flags: Vec<&Action> = out.iter().filter(|a| a.kind == ActionKind::Flag).collect();
    assert_eq!(flags.len(), 3, "{out:?}");
    assert!(flags.iter().all(|a| a.detector == Detector::Scraper && a.user_ids == [spy.id]));
}

#[test]
fn idle_state_expires_so_memory_stays_flat() {
    let mut e = engine();
    let sc = scenarios::quiet_chat(2);
    run(&mut e, &sc.capture);
    assert!(e.stats().users > 0);
    let mut out = Vec::new();
    e.advance(e.now() + 3_600_000, &mut out);
    let st = e.stats();
    assert_eq!(st.users, 0, "{st:?}");
    assert_eq!(st.recent_messages, 0);
}

#[test]
fn a_moderator_can_end_a_raid_and_list_its_members() {
    let sc = scenarios::raid(2);
    let mut e = engine();
    let mut out = Vec::new();
    let mut members = Vec::new();
    for line in sc.capture.lines() {
        let ev = parse_line(line).unwrap();
        e.handle(ev.ts, &ev.event, &mut out);
        let gid = out.iter().find(|a| a.kind == ActionKind::Lockdown).map(|a| a.guild_id);
        if let Some(g) = gid {
            if members.is_empty() && e.in_raid(g) {
                members = e.raid_members(g);
                out.clear();
                assert!(e.end_raid(g, ev.ts, "a moderator", &mut out));
                assert!(!e.in_raid(g));
                assert!(out.iter().any(|a| a.kind == ActionKind::Unlock));
                assert!(out.iter().any(|a| a.kind == ActionKind::Alert && a.reason.contains("ended by a moderator")));
                assert!(!e.end_raid(g, ev.ts, "a moderator", &mut out), "nothing left to end");
                break;
            }
        }
    }
    assert!(members.len() >= 6);
    assert!(members.iter().all(|m| sc.bad.contains_key(m)));
}

#[test]
fn three_automod_hits_in_a_row_contain() {
    use twilight_model::guild::auto_moderation::AutoModerationTriggerType;
    let mut e = engine();
    let mut out = Vec::new();
    for i in 0..3 {
        e.on_automod(1_767_272_400_000 + i * 2_000, 1, 42, AutoModerationTriggerType::Keyword, &mut out);
    }
    let t = out.iter().find(|a| a.kind.is_punitive()).expect("the third hit contains");
    assert_eq!(t.detector, Detector::AutoMod);
    assert_eq!(t.user_ids, [42]);
}

#[test]
fn seeded_strikes_survive_a_restart() {
    let mut e = engine();
    e.seed_member(1, 42, 2.0, 1_767_272_400_000, 0);
    let mut out = Vec::new();
    use twilight_model::guild::auto_moderation::AutoModerationTriggerType;
    // The member already holds two strikes: one AutoMod hit makes three.
    e.on_automod(1_767_272_401_000, 1, 42, AutoModerationTriggerType::Keyword, &mut out);
    let t = out.iter().find(|a| a.kind.is_punitive()).expect("contained");
    assert!(t.reason.contains("strike 3, rung 3"), "{}", t.reason);
    let mut e = engine();
    e.seed_member(1, 43, 0.0, 0, 1_767_272_500_000);
    assert!(e.user_state(1, 43).unwrap().is_contained(1_767_272_499_999));
}

#[test]
fn three_newcomers_flooding_with_words_are_not_a_raid() {
    // A stream influx where three excited newcomers spam emotes: each is contained for their
    // own flood, but nobody else is, and the guild is not locked down.
    let mut w = crate::synth::World::new(8, 1_767_272_400_000, 10);
    let t0 = 1_767_272_500_000;
    let mut bystanders = Vec::new();
    // Young accounts joining at an ordinary pace over the last hour.
    for i in 0..6u64 {
        let p = w.newcomer(format!("fresh{i}"), 2 * crate::snowflake::DAY, false, t0 - (i + 1) * 9 * 60_000);
        w.join(&p, p.joined);
        bystanders.push(p.id);
    }
    let mut flooders = Vec::new();
    for i in 0..3u64 {
        let p = w.newcomer(format!("hype{i}"), 400 * crate::snowflake::DAY, true, t0 + 10_000 + i * 1000);
        w.join(&p, p.joined);
        for k in 0..12u64 {
            w.say(&p, 0, t0 + 20_000 + i * 60_000 + k * 300, "POGGERS POGGERS", &[], false);
        }
        flooders.push(p.id);
    }
    let actions = run(&mut engine(), &w.capture());
    let locks =
        actions.iter().filter(|a| a.kind == ActionKind::Lockdown).map(|a| a.reason.as_str()).collect::<Vec<_>>();
    assert!(locks.is_empty(), "{locks:?}");
    for f in &flooders {
        assert!(actions.iter().any(|a| a.kind.is_punitive() && a.user_ids.contains(f)));
    }
    for b in &bystanders {
        assert!(!actions.iter().any(|a| a.kind.is_punitive() && a.user_ids.contains(b)), "bystander {b} punished");
    }
}
