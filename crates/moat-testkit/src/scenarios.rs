//! Scripted scenarios: the attacks moat must stop and the crowds it must leave alone.
//!
//! Each generator takes a seed, so tests can run many variants of one kind of event rather
//! than one capture tuned to by hand. The hard cases are here on purpose: a stream influx of
//! real people, a hype moment, a moderator's `@everyone`, a slow raid, edits, and unicode
//! tricks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use moat_core::time::{DAY, HOUR, MINUTE};
use moat_core::Millis;

use crate::world::{Expect, Person, World};

mod across;
mod together;

pub use across::{cross_guild_takeover, lure_clean_link, scam_discussion, streamer_crossposting};
pub use together::{aged_raid, raid_bystanders};

/// A generated capture and what a guard should make of it.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub description: &'static str,
    pub capture: String,
    pub bad: BTreeMap<u64, Expect>,
    pub bad_start: BTreeMap<u64, Millis>,
    pub good: BTreeSet<u64>,
}

impl Scenario {
    fn from_world(name: &'static str, description: &'static str, w: World) -> Self {
        Scenario { name, description, capture: w.capture(), bad: w.bad, bad_start: w.bad_start, good: w.good }
    }

    /// The `*.expect.json` form that `tools/score.py` reads.
    pub fn expect_json(&self) -> serde_json::Value {
        json!({
            "scenario": self.name,
            "bad": self.bad.iter().map(|(u, e)| (u.to_string(), json!(match e { Expect::Contain => "contain", Expect::Flag => "flag" }))).collect::<serde_json::Map<_, _>>(),
            "bad_start": self.bad_start.iter().map(|(u, t)| (u.to_string(), json!(t))).collect::<serde_json::Map<_, _>>(),
            "good": self.good.iter().map(u64::to_string).collect::<Vec<_>>(),
            "notes": [self.description],
        })
    }
}

/// A scenario generator: a seed in, a capture and its expectations out.
pub type Generator = fn(u64) -> Scenario;

/// Every generator, by name.
pub const ALL: &[(&str, Generator)] = &[
    ("quiet-chat", quiet_chat),
    ("flood", flood),
    ("raid", raid),
    ("scam-takeover", scam_takeover),
    ("mention-spam", mention_spam),
    ("stream-influx", stream_influx),
    ("hype-moment", hype_moment),
    ("slow-raid", slow_raid),
    ("edit-attack", edit_attack),
    ("unicode-tricks", unicode_tricks),
    ("aged-raid", aged_raid),
    ("raid-bystanders", raid_bystanders),
    ("cross-guild-takeover", cross_guild_takeover),
    ("streamer-crossposting", streamer_crossposting),
    ("lure-clean-link", lure_clean_link),
    ("scam-discussion", scam_discussion),
];

/// The generator called `name`, Discord's ([`ALL`]) or Mastodon's ([`crate::fedi::FEDI`]).
pub fn by_name(name: &str) -> Option<Generator> {
    ALL.iter().chain(crate::fedi::FEDI).find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Every generator's name, Discord's then Mastodon's (what `moat synth all` writes).
pub fn names() -> Vec<&'static str> {
    ALL.iter().chain(crate::fedi::FEDI).map(|(n, _)| *n).collect()
}

const START: Millis = 1_767_272_400_000;

fn base(seed: u64) -> World {
    World::new(seed, START, 40)
}

/// Normal conversation, a moderator's `@everyone` and a moderator pinging event helpers.
pub fn quiet_chat(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 20 * MINUTE, 40);
    let m = w.moderators[0].clone();
    w.say(
        &m,
        0,
        START + 5 * MINUTE,
        "@everyone the tournament starts in 30 minutes, sign-ups are in #events!",
        &[],
        true,
    );
    let helpers: Vec<u64> = w.regulars.iter().take(12).map(|p| p.id).collect();
    let text: String =
        helpers.iter().map(|h| format!("<@{h}> ")).collect::<String>() + "you're on helper duty tonight, thank you!";
    w.say(&m, 1, START + 6 * MINUTE, &text, &helpers, false);
    Scenario::from_world("quiet-chat", "normal conversation with moderator announcements: nothing to punish", w)
}

/// A repeat flooder, a newline wall, a glyph wall and a zalgo poster amid normal chat.
pub fn flood(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 15 * MINUTE, 40);
    let spam = ["buy followers cheap dm me", "FREE ROBUX FREE ROBUX", "join my server its better"];
    let t1 = START + 3 * MINUTE + w.rng.below(60_000);
    let p1 = w.newcomer("spammy".into(), 40 * DAY, true, t1 - 10 * MINUTE);
    w.join(&p1, p1.joined);
    let text = *w.rng.pick(&spam);
    for i in 0..15 {
        w.say(
            &p1,
            (i / 4) as usize,
            t1 + i * (300 + w.rng.below(200)),
            &format!("{text} {}", if i % 3 == 0 { "!!" } else { "" }),
            &[],
            false,
        );
    }
    w.expect_bad(p1.id, Expect::Contain, t1);
    let t2 = START + 6 * MINUTE;
    let p2 = w.regulars[3].clone();
    let wall = "LOL\n".repeat(25 + w.rng.below(20) as usize);
    for i in 0..6 {
        w.say(&p2, 1, t2 + i * 3_000, &wall, &[], false);
    }
    w.expect_bad(p2.id, Expect::Contain, t2);
    let t3 = START + 9 * MINUTE;
    let p3 = w.newcomer("glyphs".into(), 5 * DAY, false, t3 - 11 * MINUTE);
    w.join(&p3, p3.joined);
    let glyph = *w.rng.pick(&["卐", "█", "𒐫", "﷽"]);
    for i in 0..5 {
        w.say(&p3, 0, t3 + i * 1_200, &glyph.repeat(900 + w.rng.below(900) as usize), &[], false);
    }
    w.expect_bad(p3.id, Expect::Contain, t3);
    let t4 = START + 12 * MINUTE;
    let p4 = w.regulars[7].clone();
    let zalgo: String = "you all will see"
        .chars()
        .flat_map(|c| {
            std::iter::once(c).chain(
                "\u{30D}\u{30E}\u{304}\u{305}\u{33F}\u{311}\u{306}\u{310}\u{352}\u{357}\u{351}\u{307}\u{308}".chars(),
            )
        })
        .collect();
    for i in 0..4 {
        w.say(&p4, 2, t4 + i * 2_000, &zalgo, &[], false);
    }
    w.expect_bad(p4.id, Expect::Contain, t4);
    Scenario::from_world("flood", "a repeat flooder, a newline wall, a glyph wall and zalgo amid normal chat", w)
}

/// Fresh accounts join within a minute; most spam pings; some never post.
pub fn raid(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 30 * MINUTE, 40);
    for i in 0..5 {
        let at = START + 3 * MINUTE + i * 60_000;
        let p = w.newcomer(
            format!("{}.{}", ["leo", "mira", "tess", "remy", "uma"][i as usize], w.rng.below(999)),
            (200 + w.rng.below(2000)) * DAY,
            true,
            at,
        );
        w.join(&p, at);
        w.good.insert(p.id);
        w.say(&p, 0, at + 40_000, "hi all, found this place through a friend", &[], false);
    }
    let t0 = START + 15 * MINUTE;
    let n = 100 + w.rng.below(150);
    let stems = ["giftboy", "nitroboy", "freeboy", "xxboy", "zzbot", "raider"];
    let victims: Vec<u64> = w.regulars.iter().map(|p| p.id).collect();
    for i in 0..n {
        let at = t0 + w.rng.below(45_000);
        let name = if w.rng.chance(0.7) {
            format!("{}{}", w.rng.pick(&stems), w.rng.below(99_999))
        } else {
            format!("{}_", w.rng.pick(&["kai", "ivy", "ash", "rin"]))
        };
        let p = w.newcomer(name, w.rng.below(3 * DAY) + HOUR, w.rng.chance(0.3), at);
        w.join(&p, at);
        w.expect_bad(p.id, Expect::Contain, at);
        let _ = i;
        if w.rng.chance(0.6) {
            for k in 0..(1 + w.rng.below(3)) {
                let pinged: Vec<u64> = (0..(4 + w.rng.below(6))).map(|_| *w.rng.pick(&victims)).collect();
                let text = format!(
                    "@everyone RAIDED BY THE CREW {}",
                    pinged.iter().map(|u| format!("<@{u}>")).collect::<Vec<_>>().join(" ")
                );
                let ch = w.rng.below(4) as usize;
                w.say(&p, ch, at + 2_000 + k * 700 + w.rng.below(3_000), &text, &pinged, true);
            }
        }
    }
    for i in 0..3 {
        let at = t0 + 20 * MINUTE + i * 60_000;
        let p = w.newcomer(format!("late.{i}"), (300 + w.rng.below(900)) * DAY, true, at);
        w.join(&p, at);
        w.good.insert(p.id);
    }
    Scenario::from_world(
        "raid",
        "a burst of fresh accounts joins within 45 s and mass-pings; genuine joiners before and after",
        w,
    )
}

/// Lookalike and lure domains an account-takeover scam might use (none on any list).
const SCAM_LINKS: &[&str] = &[
    "[steamcommunity.com/gift-card/pay/50](https://steamcommunlty-gift.ru/gift/50)",
    "https://dlscord-nitro.gift/claim-nitro",
    "[discord.gift/Hj7sK2](https://discorcl.app/gift/Hj7sK2)",
    "https://steam-gift-promo.xyz/free",
];

/// Two established accounts, taken over, post Steam/Nitro scams across channels.
pub fn scam_takeover(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 15 * MINUTE, 40);
    for (k, (who, lure)) in
        [(5usize, "@everyone steam gift 50$ - "), (9, "bro steam gived nitro ")].into_iter().enumerate()
    {
        let p = w.regulars[who].clone();
        let t = START + (5 + 5 * k as u64) * MINUTE;
        let link = *w.rng.pick(SCAM_LINKS);
        for c in 0..4u64 {
            w.say(
                &p,
                c as usize,
                t + c * (1_500 + w.rng.below(1_500)),
                &format!("{lure}{link}"),
                &[],
                lure.contains("@everyone"),
            );
        }
        w.expect_bad(p.id, Expect::Contain, t);
    }
    Scenario::from_world(
        "scam-takeover",
        "two taken-over accounts post scam links in every channel; real Steam links by others are fine",
        w,
    )
}

/// One member pings 25 people at once; a moderator pings 12 helpers.
pub fn mention_spam(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 10 * MINUTE, 40);
    let p = w.regulars[11].clone();
    let pinged: Vec<u64> = w.regulars.iter().skip(12).take(25).map(|q| q.id).collect();
    let text: String = pinged.iter().map(|u| format!("<@{u}> ")).collect();
    let t = START + 4 * MINUTE;
    w.say(&p, 0, t, &text, &pinged, false);
    w.expect_bad(p.id, Expect::Contain, t);
    let m = w.moderators[1].clone();
    let helpers: Vec<u64> = w.regulars.iter().take(12).map(|q| q.id).collect();
    let text: String =
        helpers.iter().map(|u| format!("<@{u}> ")).collect::<String>() + "event helpers, to the stage please";
    w.say(&m, 1, START + 6 * MINUTE, &text, &helpers, false);
    Scenario::from_world(
        "mention-spam",
        "one member pings 25 people at once; a moderator pinging 12 helpers is fine",
        w,
    )
}

/// A streamer sends their audience: over a hundred real people join in two minutes and
/// greet. Some have new accounts; nobody attacks.
pub fn stream_influx(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 20 * MINUTE, 30);
    let t0 = START + 5 * MINUTE;
    let n = 100 + w.rng.below(60);
    let greetings =
        ["hi", "hello from the stream!", "hey chat", "o/", "first time here", "POGGERS", "hiii", "yo", "LUL"];
    let names = ["viewer", "nightowl", "pixel", "gamer", "lurker", "sunny", "ace", "echo", "milo", "pip"];
    let emotes = ["PogChamp", "PogChamp PogChamp PogChamp", "KEKW KEKW", "o7", "🎉🎉🎉", "LETS GOOO PogChamp"];
    let emote = w.rng.chance(0.6).then(|| *w.rng.pick(&emotes));
    for i in 0..n {
        let at = t0 + w.rng.below(120_000);
        let age = if w.rng.chance(0.1) { (2 + w.rng.below(25)) * DAY } else { (90 + w.rng.below(2500)) * DAY };
        let name = format!("{}{}{}", w.rng.pick(&names), if w.rng.chance(0.5) { "_" } else { "" }, w.rng.below(10_000));
        let p: Person = w.newcomer(name, age, w.rng.chance(0.8), at);
        w.join(&p, at);
        w.good.insert(p.id);
        if w.rng.chance(0.6) {
            let g = *w.rng.pick(&greetings);
            w.say(&p, 0, at + 5_000 + w.rng.below(60_000), g, &[], false);
        }
        // The stream's emote spam: many viewers post the same emote, some several times.
        if let Some(e) = emote.filter(|_| w.rng.chance(0.5)) {
            for k in 0..1 + w.rng.below(3) {
                w.say(&p, 0, at + 10_000 + k * 4_000 + w.rng.below(30_000), e, &[], false);
            }
        }
        if i % 17 == 0 {
            let link = "https://www.twitch.tv/videos/2045678912";
            w.say(&p, 0, at + 70_000, &format!("the stream that sent me: {link}"), &[], false);
        }
    }
    Scenario::from_world("stream-influx", "a streamer's audience joins at once and says hi: nobody to punish", w)
}

/// A hype moment: dozens of regulars post fast in one channel for half a minute.
pub fn hype_moment(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 15 * MINUTE, 30);
    let t0 = START + 6 * MINUTE;
    let hype = ["LETS GOOOO", "GG", "NO WAY", "W", "clip it!!", "HOLY", "🔥🔥🔥", "insane", "GGGG", "POG"];
    for p in w.regulars.clone().iter().take(30) {
        let k = 2 + w.rng.below(3);
        for j in 0..k {
            let text = *w.rng.pick(&hype);
            w.say(p, 0, t0 + w.rng.below(30_000) + j * 2_500, text, &[], false);
        }
    }
    let m = w.moderators[0].clone();
    w.say(&m, 0, t0 + 35_000, "@everyone WE WON THE FINALS! thank you all 🏆", &[], true);
    Scenario::from_world("hype-moment", "a win: thirty regulars post fast together, and a moderator pings everyone", w)
}

/// A slow raid: fresh accounts trickle in over twenty minutes and each posts the same ad.
pub fn slow_raid(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 40 * MINUTE, 30);
    let t0 = START + 5 * MINUTE;
    let n = 15 + w.rng.below(10);
    let ad = *w.rng.pick(&[
        "free nitro for everyone who joins https://discord.gg/fr33n1tro",
        "best cheap boosting service, dm me or visit https://boost-cheap.shop/now",
        "join the real community here https://discord.gg/xyzraid",
    ]);
    for i in 0..n {
        let at = t0 + i * (50_000 + w.rng.below(40_000));
        let p = w.newcomer(
            format!("{}{}", w.rng.pick(&["promo", "deals", "gift"]), w.rng.below(9999)),
            w.rng.below(5 * DAY) + HOUR,
            w.rng.chance(0.3),
            at,
        );
        w.join(&p, at);
        w.expect_bad(p.id, Expect::Contain, at);
        if w.rng.chance(0.7) {
            w.say(&p, w.rng.below(4) as usize, at + 20_000 + w.rng.below(40_000), ad, &[], false);
        }
    }
    Scenario::from_world("slow-raid", "fresh accounts trickle in over twenty minutes, posting the same ad", w)
}

/// Messages edited into attacks after they passed, and ordinary typo fixes.
pub fn edit_attack(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 15 * MINUTE, 40);
    let p = w.regulars[13].clone();
    let t = START + 5 * MINUTE;
    let id = w.say(&p, 0, t, "hey what's up", &[], false);
    let pinged: Vec<u64> = w.regulars.iter().skip(14).take(20).map(|q| q.id).collect();
    let text: String = pinged.iter().map(|u| format!("<@{u}> ")).collect();
    w.edit(&p, id, 0, t, t + 8_000, &text, &pinged);
    w.expect_bad(p.id, Expect::Contain, t + 8_000);
    let q = w.regulars[21].clone();
    let t2 = START + 9 * MINUTE;
    let id2 = w.say(&q, 1, t2, "ok", &[], false);
    w.edit(&q, id2, 1, t2, t2 + 5_000, &"█".repeat(1990), &[]);
    w.edit(&q, id2, 1, t2, t2 + 6_000, &"▓".repeat(1990), &[]);
    w.expect_bad(q.id, Expect::Contain, t2 + 5_000);
    Scenario::from_world("edit-attack", "messages edited into mass pings and glyph walls; typo fixes are fine", w)
}

/// Invisible characters, bidi overrides and zalgo used to flood and break clients.
pub fn unicode_tricks(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 15 * MINUTE, 40);
    let t = START + 4 * MINUTE;
    let p = w.newcomer("blank".into(), 3 * DAY, false, t - 5 * MINUTE);
    w.join(&p, p.joined);
    let invisible = "\u{200B}\u{2800}\u{3164}\u{202E}".repeat(250);
    for i in 0..3 {
        w.say(&p, 0, t + i * 1_500, &invisible, &[], false);
    }
    w.expect_bad(p.id, Expect::Contain, t);
    let q = w.regulars[17].clone();
    let t2 = START + 8 * MINUTE;
    let zalgo: String =
        "crash".chars().flat_map(|c| std::iter::once(c).chain(std::iter::repeat_n('\u{336}', 60))).collect();
    for i in 0..3 {
        w.say(&q, 2, t2 + i * 2_000, &zalgo, &[], false);
    }
    w.expect_bad(q.id, Expect::Contain, t2);
    // Real people write in other scripts, with accents and emoji: all fine.
    let r = w.regulars[19].clone();
    for (i, text) in ["héllo ça va? 🙂", "Привет всем", "こんにちは、元気？", "مرحبا بالجميع", "Tiếng Việt có dấu"]
        .iter()
        .enumerate()
    {
        w.say(&r, 3, START + 10 * MINUTE + i as u64 * 20_000, text, &[], false);
    }
    Scenario::from_world(
        "unicode-tricks",
        "invisible-character walls and zalgo; real people writing other scripts are fine",
        w,
    )
}
