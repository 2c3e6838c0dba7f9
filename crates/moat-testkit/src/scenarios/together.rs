//! Raids of real-looking accounts that give themselves away by acting together (issue 9.1
//! and 9.4), and the crowds of real people beside them that must stay untouched.
//!
//! Everything varies with the seed: how many join and how fast, the accounts' ages and
//! avatars, the advert's words, its small variations (punctuation, a smiley, case) and its
//! invite codes, and who stays silent.

use moat_core::time::{DAY, HOUR, MINUTE};

use super::{base, Scenario, START};
use crate::world::{Expect, Person, World};

/// Advert openings a raid posts (one per capture), each followed by an invite.
const ADVERTS: &[&str] = &[
    "come join the best gaming community around",
    "we are giving away nitro every day, join us",
    "this server is dead, the real one is here",
    "free skins and giveaways for everyone who joins",
    "join our new server for daily events and prizes",
    "looking for active members, join our community",
    "best trading server with thousands of members",
];
const ENDINGS: &[&str] = &["", "!", "!!", ".", " :)", " 🙂", " 😀", " <3", "!!!", " 🔥"];
const FIRST: &[&str] = &[
    "daniel", "sophie", "marco", "elena", "lucas", "hannah", "ryan", "chloe", "oscar", "maya", "felix", "nina", "adam",
    "lara", "ethan", "zara", "victor", "ines", "hugo", "julia",
];
const LAST: &[&str] = &["", "_", ".", "x", "official", "gg", "tv", "yt", "_real", "2k"];

/// A real-looking username: a first name, a suffix of some kind, digits maybe.
fn human_name(w: &World) -> String {
    let first = *w.rng.pick(FIRST);
    let last = *w.rng.pick(LAST);
    match w.rng.below(3) {
        0 => format!("{first}{last}"),
        1 => format!("{first}{last}{}", w.rng.below(10_000)),
        _ => format!("{}{first}", ["the", "its", "mr", "xx"][w.rng.below(4) as usize]),
    }
}

/// Some text varied the way a raid script varies it.
fn vary(w: &World, text: &str) -> String {
    let t = match w.rng.below(4) {
        0 => text.to_uppercase(),
        1 => {
            let mut c = text.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
        _ => text.to_string(),
    };
    format!("{t}{}", w.rng.pick(ENDINGS))
}

fn invite_codes(w: &World, n: usize) -> Vec<String> {
    const ALNUM: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..n).map(|_| (0..(6 + w.rng.below(4))).map(|_| *w.rng.pick(ALNUM) as char).collect()).collect()
}

fn invite(w: &World, code: &str) -> String {
    match w.rng.below(3) {
        0 => format!("discord.gg/{code}"),
        1 => format!("https://discord.gg/{code}"),
        _ => format!("https://discord.com/invite/{code}"),
    }
}

/// A few genuine joiners well before and after the raid, who say hello.
fn genuine_joiners(w: &mut World, at: &[u64]) {
    for &t in at {
        let p = w.newcomer(human_name(w), (200 + w.rng.below(2000)) * DAY, w.rng.chance(0.8), t);
        w.join(&p, t);
        w.good.insert(p.id);
        let hello = *w.rng.pick(&["hi all, found this place through a friend", "hey! new here", "hello o/"]);
        w.say(&p, 0, t + 30_000 + w.rng.below(60_000), hello, &[], false);
    }
}

/// Bought, aged accounts with avatars join within minutes and each post the same invite
/// advert once, with small variations; some stay silent.
pub fn aged_raid(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 30 * MINUTE, 40);
    genuine_joiners(&mut w, &[START + 2 * MINUTE, START + 6 * MINUTE, START + 27 * MINUTE]);
    let t0 = START + 10 * MINUTE;
    let n = 40 + w.rng.below(80);
    let spread = 60_000 + w.rng.below(180_000);
    let advert = *w.rng.pick(ADVERTS);
    let codes = invite_codes(&w, 1 + w.rng.below(3) as usize);
    // Account farms make accounts in batches: a few weeks, one to four years ago.
    let farm = (365 + w.rng.below(1100)) * DAY;
    let batch = (3 + w.rng.below(25)) * DAY;
    let posting = 0.75 + w.rng.below(20) as f64 / 100.0;
    for _ in 0..n {
        let at = t0 + w.rng.below(spread);
        let created_ago = farm - w.rng.below(batch) + (at - START);
        let p: Person = w.newcomer(human_name(&w), created_ago, w.rng.chance(0.9), at);
        w.join(&p, at);
        if w.rng.chance(posting) {
            let code = w.rng.pick(&codes).clone();
            let text = format!("{} {}", vary(&w, advert), invite(&w, &code));
            let text = if w.rng.chance(0.3) { format!("{text}{}", w.rng.pick(ENDINGS)) } else { text };
            w.say(&p, w.rng.below(4) as usize, at + 5_000 + w.rng.below(90_000), &text, &[], false);
            w.expect_bad(p.id, Expect::Contain, at);
        } else {
            // Silent: created with the others, so at least listed for the moderators.
            w.expect_bad(p.id, Expect::Flag, at);
        }
    }
    Scenario::from_world(
        "aged-raid",
        "bought, aged accounts with avatars join within minutes and post the same invite advert once; genuine joiners \
         before and after",
        w,
    )
}

/// Greetings real people write, each in their own words.
fn greeting(w: &World) -> String {
    let open = *w.rng.pick(&["hi", "hello", "hey", "yo", "heyo", "hiii", "good evening", "sup"]);
    let who = *w.rng.pick(&["", " chat", " everyone", " all", " from the stream", " guys", " friends"]);
    let tail =
        *w.rng.pick(&["", "!", " :)", " o/", " 👋", "!!", " PogChamp", ", first time here", ", love the stream"]);
    format!("{open}{who}{tail}")
}

/// Fresh bots and a streamer's real, aged viewers join in the same minute or two; the bots
/// post the same spam (an advert, a link or a mass ping), the viewers greet.
pub fn raid_bystanders(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 30 * MINUTE, 35);
    let t0 = START + 8 * MINUTE;
    let span = 45_000 + w.rng.below(75_000);
    let bots = 50 + w.rng.below(90);
    let viewers = 40 + w.rng.below(60);
    let codes = invite_codes(&w, 1 + w.rng.below(3) as usize);
    let advert = *w.rng.pick(ADVERTS);
    let spam_link = format!(
        "https://{}.{}/{}",
        w.rng.pick(&["nitro-drop", "free-skins", "gift-event"]),
        w.rng.pick(&["shop", "xyz", "site"]),
        w.rng.below(999)
    );
    let stems = ["user", "member", "gamer", "player", "acc"];
    let victims: Vec<u64> = w.regulars.iter().take(6).map(|p| p.id).collect();
    let style = w.rng.below(3);
    for _ in 0..bots {
        let at = t0 + w.rng.below(span);
        let name = format!("{}{}", w.rng.pick(&stems), w.rng.below(100_000));
        let p = w.newcomer(name, HOUR + w.rng.below(3 * DAY), w.rng.chance(0.5), at);
        w.join(&p, at);
        w.expect_bad(p.id, Expect::Contain, at);
        if w.rng.chance(0.8) {
            let when = at + 3_000 + w.rng.below(40_000);
            let ch = w.rng.below(4) as usize;
            match style {
                0 => {
                    let text = format!("{} {}", vary(&w, advert), invite(&w, w.rng.pick(&codes).as_str()));
                    w.say(&p, ch, when, &text, &[], false);
                }
                1 => {
                    let text = format!("{} {spam_link}", vary(&w, "free nitro for the first 100, claim it here"));
                    w.say(&p, ch, when, &text, &[], false);
                }
                _ => {
                    let text = format!(
                        "{} {}",
                        victims.iter().map(|v| format!("<@{v}>")).collect::<Vec<_>>().join(" "),
                        vary(&w, "check your dms")
                    );
                    w.say(&p, ch, when, &text, &victims, false);
                }
            }
        }
    }
    for _ in 0..viewers {
        let at = t0 + w.rng.below(span);
        let p = w.newcomer(human_name(&w), (200 + w.rng.below(2800)) * DAY, w.rng.chance(0.85), at);
        w.join(&p, at);
        w.good.insert(p.id);
        if w.rng.chance(0.7) {
            let g = greeting(&w);
            w.say(&p, 0, at + 5_000 + w.rng.below(60_000), &g, &[], false);
        }
    }
    Scenario::from_world(
        "raid-bystanders",
        "fresh bots and a streamer's real, aged viewers join together; the bots spam, the viewers say hello",
        w,
    )
}
