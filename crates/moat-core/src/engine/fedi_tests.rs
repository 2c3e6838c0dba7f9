//! The fediverse path of the engine on hand-made events: what each rule needs, and what it
//! leaves alone.

use std::borrow::Cow;

use crate::action::{Action, ActionKind, Detector};
use crate::event::{Event, FediAuthor, FediStatus};
use crate::id::{GuildId, MessageId, UserId};
use crate::time::{DAY, MINUTE};
use crate::Engine;

const G: GuildId = GuildId(9);
const T0: u64 = 1_767_272_400_000;

fn author(user: u64, created: u64) -> FediAuthor<'static> {
    FediAuthor {
        user: UserId(user),
        created,
        username: Cow::Owned(format!("u{user}")),
        display_name: Cow::Owned(format!("u{user}")),
        default_avatar: true,
        empty_note: true,
        local: true,
        ..Default::default()
    }
}

fn post(id: u64, who: FediAuthor<'static>, mentions: &[u64], link: Option<&str>) -> Event<'static> {
    Event::FediStatus(FediStatus {
        guild: G,
        id: MessageId(id),
        author: who,
        text: Cow::Owned(format!("hello there friends {}", link.unwrap_or(""))),
        links: link.map(|l| Cow::Owned(l.to_string())).into_iter().collect(),
        mentions: mentions.iter().map(|&m| UserId(m)).collect(),
        ..Default::default()
    })
}

fn punished(out: &[Action]) -> Vec<u64> {
    out.iter()
        .filter(|a| a.kind.is_punitive() || a.kind == ActionKind::Kick)
        .flat_map(|a| a.user_ids.iter().map(|u| u.get()))
        .collect()
}

#[test]
fn a_new_accounts_mass_mention_is_silenced_an_old_ones_is_not() {
    let mut e = Engine::with_defaults();
    let mut out = Vec::new();
    let strangers: Vec<u64> = (100..106).collect();
    e.handle(T0, &post(1, author(1, T0 - 5 * MINUTE), &strangers, None), &mut out);
    e.handle(T0, &post(2, author(2, T0 - 400 * DAY), &strangers, None), &mut out);
    assert_eq!(punished(&out), [1]);
    assert_eq!(out[0].kind, ActionKind::Silence);
    assert_eq!(out[0].detector, Detector::Mentions);
}

#[test]
fn people_who_wrote_to_the_author_are_no_strangers() {
    let mut e = Engine::with_defaults();
    let mut out = Vec::new();
    let friends: Vec<u64> = (100..106).collect();
    for (i, &f) in friends.iter().enumerate() {
        e.handle(T0 + i as u64, &post(10 + i as u64, author(f, T0 - 300 * DAY), &[1], None), &mut out);
    }
    e.handle(T0 + MINUTE, &post(1, author(1, T0 - 5 * MINUTE), &friends, None), &mut out);
    assert!(punished(&out).is_empty(), "{out:?}");
}

#[test]
fn rotating_invite_codes_still_share_their_host() {
    let mut e = Engine::with_defaults();
    let mut out = Vec::new();
    for i in 0..3u64 {
        let code = format!("https://discord.gg/code{i}");
        e.handle(
            T0 + i * MINUTE,
            &post(1 + i, author(1 + i, T0 - MINUTE), &[100 + 2 * i, 101 + 2 * i], Some(&code)),
            &mut out,
        );
    }
    let mut got = punished(&out);
    got.sort_unstable();
    assert_eq!(got, [1, 2, 3]);
    assert!(out.iter().all(|a| a.detector == Detector::Campaign && a.kind == ActionKind::Ban));
}

#[test]
fn a_site_a_quiet_crowd_links_is_no_campaign() {
    let mut e = Engine::with_defaults();
    let mut out = Vec::new();
    for i in 0..12u64 {
        let link = format!("https://news.example/story/{i}");
        e.handle(T0 + i * 1000, &post(100 + i, author(50 + i, T0 - MINUTE), &[], Some(&link)), &mut out);
    }
    for i in 0..3u64 {
        let link = format!("https://news.example/other/{i}");
        e.handle(
            T0 + MINUTE + i,
            &post(1 + i, author(1 + i, T0 - MINUTE), &[200 + 2 * i, 201 + 2 * i], Some(&link)),
            &mut out,
        );
    }
    assert!(punished(&out).is_empty(), "{out:?}");
}
