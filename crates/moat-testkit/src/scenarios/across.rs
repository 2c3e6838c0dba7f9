//! Campaigns across the guilds one moat protects (issue 9.2) and lure text (9.3), with the
//! look-alikes that must stay untouched: a streamer posting their own link in the guilds
//! they help run, announcements crossposted from a followed channel, and members talking
//! about scams.

use std::collections::{BTreeMap, BTreeSet};

use moat_core::time::{DAY, MINUTE};

use super::{base, Scenario, START};
use crate::payload;
use crate::world::{Expect, Person, World};

/// Lures a takeover or a scammer writes, in several languages.
const LURES: &[&str] = &[
    "Verify here or lose access to the server:",
    "Claim before it ends! Free airdrop for holders:",
    "hey, I accidentally reported you, sort it out here",
    "is this you in the video?? lol",
    "Verifica tu cuenta o perderás el acceso:",
    "Verifique sua conta ou perderá o acesso:",
    "Vérifiez votre compte ou perdez l'accès :",
    "Verifiziere dein Konto oder verliere den Zugang:",
    "Подтвердите аккаунт или потеряете доступ:",
    "free nitro for everyone, claim your reward",
];

/// An unseen domain no list knows and no brand resembles.
fn unseen_link(w: &World) -> String {
    let a = *w.rng.pick(&["portal", "access", "member", "secure", "event", "center", "hub", "pass"]);
    let b = *w.rng.pick(&["node", "gate", "desk", "zone", "point", "base", "link"]);
    let tld = *w.rng.pick(&["com", "net", "org", "io", "app", "site"]);
    let path = *w.rng.pick(&["verify", "login", "claim", "v", "auth", "s"]);
    format!("https://{a}{b}{}.{tld}/{path}/{}", w.rng.below(99), w.rng.below(100_000))
}

/// Several guilds, each its own world; the capture is all of theirs, in time order.
struct Many {
    worlds: Vec<World>,
}

impl Many {
    fn new(seed: u64, n: usize) -> Self {
        let mut worlds: Vec<World> =
            (0..n as u64).map(|i| base(seed.wrapping_mul(131).wrapping_add(i * 7 + 1))).collect();
        for w in &mut worlds {
            w.chat(START, 25 * MINUTE, 30);
        }
        Many { worlds }
    }

    /// `p` as a long-standing member of world `i` (roles there as given).
    fn member_of(&mut self, i: usize, p: &Person, roles: Vec<u64>) -> Person {
        let w = &mut self.worlds[i];
        let joined = START - (60 + w.rng.below(900)) * DAY;
        let q = Person { joined, roles, ..p.clone() };
        w.good.insert(q.id);
        q
    }

    fn into_scenario(self, name: &'static str, description: &'static str, bad: &[(u64, Expect, u64)]) -> Scenario {
        let mut lines = Vec::new();
        let mut good = BTreeSet::new();
        for w in self.worlds {
            lines.extend(w.lines);
            good.extend(w.good);
        }
        lines.sort_by_key(|(ts, _)| *ts);
        let mut capture = String::new();
        for (_, l) in lines {
            capture.push_str(&l);
            capture.push('\n');
        }
        let mut bad_map = BTreeMap::new();
        let mut bad_start = BTreeMap::new();
        for &(u, e, t) in bad {
            good.remove(&u);
            bad_map.insert(u, e);
            bad_start.insert(u, t);
        }
        Scenario { name, description, capture, bad: bad_map, bad_start, good }
    }
}

/// One stolen account, a member of several protected guilds for years, posts the same lure
/// with an unseen (clean) link once in each, within a minute.
pub fn cross_guild_takeover(seed: u64) -> Scenario {
    let n = 3 + (seed % 5) as usize;
    let mut many = Many::new(seed, n);
    let victim = many.worlds[0].regulars[(seed % 20) as usize].clone();
    let lure = *many.worlds[0].rng.pick(LURES);
    let link = unseen_link(&many.worlds[0]);
    let t0 = START + (6 + seed % 8) * MINUTE;
    let mut t = t0;
    for i in 0..n {
        let p = if i == 0 { victim.clone() } else { many.member_of(i, &victim, vec![]) };
        let w = &mut many.worlds[i];
        let ch = w.rng.below(4) as usize;
        let text = if w.rng.chance(0.5) { format!("{lure} {link}") } else { format!("{link} {lure}") };
        w.say(&p, ch, t, &text, &[], false);
        t += 2_000 + w.rng.below(12_000);
    }
    // A regular of another guild shares an ordinary link in two guilds: nothing.
    let other = many.worlds[1].regulars[3].clone();
    let o2 = many.member_of(2, &other, vec![]);
    many.worlds[1].say(
        &other,
        0,
        t0 + 60_000,
        "new patch notes https://store.steampowered.com/news/app/730",
        &[],
        false,
    );
    many.worlds[2].say(&o2, 0, t0 + 70_000, "new patch notes https://store.steampowered.com/news/app/730", &[], false);
    many.into_scenario(
        "cross-guild-takeover",
        "a stolen long-standing account posts the same lure with an unseen link once in each of several guilds",
        &[(victim.id, Expect::Contain, t0)],
    )
}

/// A streamer posts their own link in the guilds they help run (moderating some, a plain
/// member of others); an announcement channel is crossposted into every guild.
pub fn streamer_crossposting(seed: u64) -> Scenario {
    let n = 3 + (seed % 3) as usize;
    let mut many = Many::new(seed ^ 0x5eed, n);
    let streamer = many.worlds[0].moderators[1].clone();
    let handle = format!("{}{}", many.worlds[0].rng.pick(&["pixel", "nova", "frost", "echo"]), seed % 100);
    let link = match seed % 3 {
        0 => format!("https://www.twitch.tv/{handle}"),
        1 => format!("https://{handle}.live/schedule"),
        _ => format!("https://www.youtube.com/watch?v=ab{handle}"),
    };
    let t0 = START + (5 + seed % 10) * MINUTE;
    for i in 0..n {
        let moderates = i == 0 || many.worlds[i].rng.chance(0.5);
        let p = if i == 0 {
            streamer.clone()
        } else {
            let role = if moderates { vec![many.worlds[i].mod_role] } else { vec![] };
            many.member_of(i, &streamer, role)
        };
        let w = &mut many.worlds[i];
        let text =
            *w.rng.pick(&["going live now, come hang out!", "LIVE in 5 minutes with the new map", "stream is up:"]);
        let ping = moderates && w.rng.chance(0.5);
        let text = if ping { format!("@everyone {text} {link}") } else { format!("{text} {link}") };
        w.say(&p, 0, t0 + i as u64 * (20_000 + w.rng.below(60_000)), &text, &[], ping);
    }
    // A followed announcement channel, crossposted into every guild through webhooks.
    let note =
        format!("Patch 2.{} is out, full notes: https://patchnotes-{}.example.org/2-{}", seed % 9, seed % 50, seed % 9);
    for i in 0..n {
        let w = &mut many.worlds[i];
        let at = t0 + 3 * MINUTE + i as u64 * 500;
        let hook = crate::world::snowflake(START - 30 * DAY, &w.rng);
        let id = w.message_id(at);
        let msg = payload::Msg {
            id,
            guild: w.guild,
            channel: w.channels[1],
            author: hook,
            author_name: "Game News #announcements",
            author_avatar: true,
            content: &note,
            at,
            joined: at,
            ..Default::default()
        };
        let mut d = payload::message(&msg);
        d["webhook_id"] = serde_json::Value::String(hook.to_string());
        d["flags"] = 2.into(); // IS_CROSSPOST
        d.as_object_mut().map(|o| o.remove("member"));
        w.push(at, "MESSAGE_CREATE", d);
    }
    many.into_scenario(
        "streamer-crossposting",
        "a streamer posts their own link in the guilds they help run; a followed channel's announcement is crossposted \
         into each: nobody to punish",
        &[],
    )
}

/// Lures with links no list knows: from a newcomer with an aged account, from a days-old
/// account, and from a regular pinging everyone; regulars share real links with lure-ish
/// words, and members warn each other about scams.
pub fn lure_clean_link(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 25 * MINUTE, 35);
    let t1 = START + (3 + w.rng.below(5)) * MINUTE;
    let newcomer = w.newcomer(
        format!("{}{}", w.rng.pick(&["alex", "maria", "jonas"]), w.rng.below(999)),
        (300 + w.rng.below(1500)) * DAY,
        true,
        t1,
    );
    w.join(&newcomer, t1);
    let text = format!("{} {}", w.rng.pick(LURES), unseen_link(&w));
    w.say(&newcomer, w.rng.below(4) as usize, t1 + 20_000 + w.rng.below(300_000), &text, &[], false);
    w.expect_bad(newcomer.id, Expect::Contain, t1);

    let t2 = START + (9 + w.rng.below(4)) * MINUTE;
    let young = w.newcomer(format!("crypto{}", w.rng.below(9999)), (1 + w.rng.below(5)) * DAY, w.rng.chance(0.5), t2);
    let young = Person { joined: t2 - (2 + w.rng.below(20)) * 3_600_000, ..young };
    let drainer = format!(
        "{} {}",
        w.rng.pick(&["free airdrop is live, connect your wallet", "Claim before it ends: airdrop for early members"]),
        unseen_link(&w)
    );
    w.say(&young, 0, t2, &drainer, &[], false);
    w.expect_bad(young.id, Expect::Contain, t2);

    let t3 = START + (15 + w.rng.below(5)) * MINUTE;
    let taken = w.regulars[(seed % 30) as usize + 5].clone();
    let text = format!("@everyone {} {}", w.rng.pick(LURES), unseen_link(&w));
    w.say(&taken, 1, t3, &text, &[], false);
    w.expect_bad(taken.id, Expect::Contain, t3);

    // Regulars: real links with lure-ish words, and warnings.
    let real = [
        "free games this week, claim it before Thursday https://store.epicgames.com/en-US/free-games",
        "steam summer sale is live https://store.steampowered.com/sale/summer",
        "the airdrop event in the game was fun https://www.reddit.com/r/gaming/",
        "careful, the 'verify here' message going around is a scam, don't click it",
        "someone DMed me \"I accidentally reported you\" lol, blocked",
        "heads up: free nitro links are phishing, report them https://support.discord.com/hc/en-us",
    ];
    for (i, text) in real.iter().enumerate() {
        let p = w.regulars[i * 3 + 1].clone();
        w.say(&p, w.rng.below(4) as usize, START + (2 + i as u64 * 3) * MINUTE + w.rng.below(60_000), text, &[], false);
    }
    Scenario::from_world(
        "lure-clean-link",
        "lures with unseen links from a newcomer, a days-old account and a regular pinging everyone; real links with \
         lure words and scam warnings are fine",
        w,
    )
}

/// Members, old and new, talk about the scams going around, quoting them and linking
/// warnings: nobody to punish.
pub fn scam_discussion(seed: u64) -> Scenario {
    let mut w = base(seed);
    w.chat(START, 20 * MINUTE, 35);
    let warnings = [
        "careful, the 'verify here or lose access' message is a scam",
        "if anyone says \"I accidentally reported you\" it's a scam, just block",
        "PSA: \"is this you in the video\" DMs are phishing, don't click https://{link}",
        "got the 'claim before it ends' airdrop spam again, reported it",
        "cuidado con 'verifica tu cuenta', es una estafa",
        "Vorsicht: \"kostenloser Airdrop\" ist Betrug https://{link}",
        "осторожно, 'подтвердите аккаунт' это развод",
        "beware of free nitro links, they steal your account https://{link}",
    ];
    for k in 0..(6 + w.rng.below(6)) {
        let text = w.rng.pick(&warnings).replace("{link}", &format!("scam-watch{}.example.org/guide", w.rng.below(50)));
        let at = START + 2 * MINUTE + k * (60_000 + w.rng.below(60_000));
        let p = if w.rng.chance(0.3) {
            let q = w.newcomer(
                format!("helper{}", w.rng.below(999)),
                (30 + w.rng.below(900)) * DAY,
                true,
                at - 10 * MINUTE,
            );
            w.join(&q, q.joined);
            w.good.insert(q.id);
            q
        } else {
            w.regulars[w.rng.below(w.regulars.len() as u64) as usize].clone()
        };
        w.say(&p, w.rng.below(4) as usize, at, &text, &[], false);
    }
    Scenario::from_world("scam-discussion", "members warn each other about scams, quoting them: nobody to punish", w)
}
