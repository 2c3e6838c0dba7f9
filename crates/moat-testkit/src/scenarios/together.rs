//! Raids of real-looking accounts that give themselves away by acting together (issue 9.1
//! and 9.4), and the crowds of real people beside them that must stay untouched.
//!
//! Everything varies with the seed: how many join (20 to 400) and how fast (30 s to 10 min),
//! the accounts' ages and avatars, the advert's words, its small variations (punctuation, a
//! smiley, case, look-alike letters, invisible characters, leetspeak) and its invite codes,
//! which channels the raiders post in, who stays silent, and what the real people arriving
//! beside them say (each their own greeting, or all the same "hi", "o7" or emote).

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

/// Look-alike letters a script swaps in: Cyrillic and Greek for Latin.
const HOMOGLYPHS: &[(char, char)] =
    &[('a', 'а'), ('e', 'е'), ('o', 'о'), ('p', 'р'), ('c', 'с'), ('x', 'х'), ('i', 'і'), ('o', 'ο'), ('y', 'у')];
/// Leetspeak digits and signs.
const LEET: &[(char, char)] = &[('o', '0'), ('i', '1'), ('e', '3'), ('a', '4'), ('s', '5'), ('t', '7')];

/// The text with look-alike letters, invisible characters or leetspeak swapped in, the way
/// a script dodges a word filter: each raider's copy differs.
fn mangle(w: &World, text: &str, how: u64) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        let swap = |table: &[(char, char)]| table.iter().find(|(a, _)| *a == c).map(|&(_, b)| b);
        match how {
            1 if w.rng.chance(0.3) => out.push(swap(HOMOGLYPHS).unwrap_or(c)),
            2 => {
                out.push(c);
                if c.is_alphabetic() && w.rng.chance(0.15) {
                    out.push(*w.rng.pick(&['\u{200b}', '\u{200c}', '\u{2060}', '\u{feff}']));
                }
            }
            3 if w.rng.chance(0.4) => out.push(swap(LEET).unwrap_or(c)),
            _ => out.push(c),
        }
    }
    out
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

/// The same short greeting a crowd of real people all write, or `None` for each their own.
fn shared_greeting(w: &World) -> Option<&'static str> {
    let pick = *w.rng.pick(&["", "", "hi", "hello", "o7", "👋", "PogChamp", "hey", "gm", "LUL"]);
    (!pick.is_empty()).then_some(pick)
}

/// Real, aged people joining during `[t0, t0 + span)`, who greet (all the same words when
/// `shared` says so).
fn real_arrivals(w: &mut World, n: u64, t0: u64, span: u64, shared: Option<&str>) {
    for _ in 0..n {
        let at = t0 + w.rng.below(span);
        let p = w.newcomer(human_name(w), (200 + w.rng.below(2800)) * DAY, w.rng.chance(0.85), at);
        w.join(&p, at);
        w.good.insert(p.id);
        if w.rng.chance(0.7) {
            let g = shared.map_or_else(|| greeting(w), str::to_string);
            w.say(&p, 0, at + 5_000 + w.rng.below(60_000), &g, &[], false);
            if shared.is_some() && w.rng.chance(0.3) {
                w.say(&p, 0, at + 70_000 + w.rng.below(60_000), &g, &[], false);
            }
        }
    }
}

/// How a raid is spread: its size (20 to 400) and how long its joins take (30 s to 10 min).
fn raid_shape(w: &World) -> (u64, u64) {
    let n = match w.rng.below(4) {
        0 => 20 + w.rng.below(30),
        1 | 2 => 40 + w.rng.below(120),
        _ => 160 + w.rng.below(240),
    };
    let spread = match w.rng.below(3) {
        0 => 30_000 + w.rng.below(60_000),
        1 => 90_000 + w.rng.below(150_000),
        _ => 4 * MINUTE + w.rng.below(6 * MINUTE),
    };
    (n, spread)
}

/// The channel a raider posts in: anywhere, or all in one second channel.
fn raid_channel(w: &World, one_channel: bool) -> usize {
    if one_channel {
        1
    } else {
        w.rng.below(4) as usize
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
    let (n, spread) = raid_shape(&w);
    let advert = *w.rng.pick(ADVERTS);
    let codes = invite_codes(&w, 1 + w.rng.below(3) as usize);
    // Account farms make accounts in batches: a few weeks, one to four years ago.
    let farm = (365 + w.rng.below(1100)) * DAY;
    let batch = (3 + w.rng.below(25)) * DAY;
    let posting = 0.75 + w.rng.below(20) as f64 / 100.0;
    let avatars = 0.6 + w.rng.below(40) as f64 / 100.0;
    let how = w.rng.below(4);
    let one_channel = w.rng.chance(0.3);
    // Real people arriving in the same minutes (a stream, a shout-out), maybe all saying "hi".
    let shared = shared_greeting(&w);
    let arrivals = w.rng.below(50);
    real_arrivals(&mut w, arrivals, t0, spread.max(2 * MINUTE), shared);
    for _ in 0..n {
        let at = t0 + w.rng.below(spread);
        let created_ago = farm - w.rng.below(batch) + (at - START);
        let p: Person = w.newcomer(human_name(&w), created_ago, w.rng.chance(avatars), at);
        w.join(&p, at);
        if w.rng.chance(posting) {
            let code = w.rng.pick(&codes).clone();
            let text = format!("{} {}", mangle(&w, &vary(&w, advert), how), invite(&w, &code));
            let text = if w.rng.chance(0.3) { format!("{text}{}", w.rng.pick(ENDINGS)) } else { text };
            let ch = raid_channel(&w, one_channel);
            w.say(&p, ch, at + 5_000 + w.rng.below(90_000), &text, &[], false);
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
    let (bots, span) = raid_shape(&w);
    let viewers = 40 + w.rng.below(60);
    let how = w.rng.below(4);
    let one_channel = w.rng.chance(0.3);
    // Some bot farms buy aged accounts with avatars.
    let aged = w.rng.chance(0.3);
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
        let (age, avatar) = if aged {
            ((400 + w.rng.below(20)) * DAY + w.rng.below(DAY), w.rng.chance(0.9))
        } else {
            (HOUR + w.rng.below(3 * DAY), w.rng.chance(0.5))
        };
        let p = w.newcomer(name, age, avatar, at);
        w.join(&p, at);
        let posts = w.rng.chance(0.8);
        // A silent aged bot is only for the moderators to decide on; a fresh one is contained.
        w.expect_bad(p.id, if posts || !aged { Expect::Contain } else { Expect::Flag }, at);
        if posts {
            let when = at + 3_000 + w.rng.below(40_000);
            let ch = raid_channel(&w, one_channel);
            match style {
                0 => {
                    let text =
                        format!("{} {}", mangle(&w, &vary(&w, advert), how), invite(&w, w.rng.pick(&codes).as_str()));
                    w.say(&p, ch, when, &text, &[], false);
                }
                1 => {
                    let claim = mangle(&w, &vary(&w, "free nitro for the first 100, claim it here"), how);
                    let text = format!("{claim} {spam_link}");
                    w.say(&p, ch, when, &text, &[], false);
                }
                _ => {
                    let text = format!(
                        "{} {}",
                        victims.iter().map(|v| format!("<@{v}>")).collect::<Vec<_>>().join(" "),
                        mangle(&w, &vary(&w, "check your dms"), how)
                    );
                    w.say(&p, ch, when, &text, &victims, false);
                }
            }
        }
    }
    let shared = shared_greeting(&w);
    real_arrivals(&mut w, viewers, t0, span, shared);
    Scenario::from_world(
        "raid-bystanders",
        "fresh bots and a streamer's real, aged viewers join together; the bots spam, the viewers say hello",
        w,
    )
}
