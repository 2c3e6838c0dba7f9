//! More shapes than the February-2024 script, so the fediverse detectors are judged on what
//! they were not written against:
//!
//! - [`link_wave`]: a slower wave (an hour, in bursts) whose posts carry no image, only a
//!   rotating link and text from other templates, mentioning 3 to 15 strangers, half of it from
//!   remote servers whose accounts (as Misskey's often arrive) have empty display names;
//! - [`friends_once`]: real people who mention many at once: an established regular greeting
//!   twelve friends she talks with, and a real newcomer with a full profile thanking the six
//!   people who invited her.

use moat_core::time::{MINUTE, SECOND};
use moat_core::Millis;

use super::crowd::Community;
use super::world::{FediWorld, Say, Who};

const OPENERS: &[&str] = &["free nitro", "giveaway", "hot singles", "crypto airdrop", "followers boost"];
const TAILS: &[&str] = &["claim here", "limited", "only today", "dm me", "go go go"];

fn name(w: &FediWorld, len: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|_| A[w.rng.below(A.len() as u64) as usize] as char).collect()
}

/// A link-only wave of `accounts` over an hour; every account expected contained.
pub fn link_wave(w: &mut FediWorld, victims: &Community, at: Millis, accounts: usize) -> Vec<u64> {
    let targets = victims.all();
    let networks: Vec<String> = (0..3).map(|i| format!("203.0.{}.", 113 + i)).collect();
    let domain = format!("{}.example", name(w, 8));
    let servers: Vec<String> = (0..2).map(|_| format!("{}.example", name(w, 6))).collect();
    let site = format!("https://{}.example/claim", name(w, 7));
    let mut ids = Vec::new();
    for i in 0..accounts {
        let t = at + (i as u64 / 15) * (60 * MINUTE / (accounts as u64 / 15).max(1)) + w.rng.below(20 * SECOND);
        let username = name(w, 9);
        let remote = w.rng.chance(0.5);
        let display = if remote { String::new() } else { username.clone() };
        let who = Who { username: &username, display_name: &display, ..Who::default() };
        let id = if remote {
            let server = w.rng.pick(&servers).clone();
            w.account(t, &Who { domain: Some(&server), ..who })
        } else {
            let ip = format!("{}{}", w.rng.pick(&networks), 1 + w.rng.below(254));
            w.signup(t, &who, &format!("{username}@{domain}"), &ip, false)
        };
        ids.push(id);
        let posts = 1 + w.rng.below(3);
        let mut pt = t + 10 * SECOND + w.rng.below(60 * SECOND);
        for p in 0..posts {
            let n = 3 + w.rng.below(13);
            let mut mentions: Vec<u64> = (0..n).map(|_| *w.rng.pick(&targets)).collect();
            mentions.sort_unstable();
            mentions.dedup();
            let text = format!("{} {} {}?r={}", w.rng.pick(OPENERS), w.rng.pick(TAILS), site, name(w, 6));
            w.post(pt, id, &Say { text, mentions, ..Say::default() });
            if p == 0 {
                w.expect_bad(id, pt);
            }
            pt += 45 * SECOND + w.rng.below(3 * MINUTE);
        }
    }
    ids
}

/// Real people mentioning many at once; returns their ids (expected untouched).
pub fn friends_once(w: &mut FediWorld, c: &Community, at: Millis) -> Vec<u64> {
    let regular = c.locals[1 % c.locals.len()];
    let friends: Vec<u64> = c.all().into_iter().filter(|&p| p != regular).take(12).collect();
    // She has talked with each of them before.
    for (i, &f) in friends.iter().enumerate() {
        let s = w.post(at + i as u64 * MINUTE, f, &Say { text: "Morning all".into(), ..Say::default() });
        let say = Say { text: "Morning!".into(), mentions: vec![f], reply_to: Some((s, f)), ..Say::default() };
        w.post(at + i as u64 * MINUTE + 30 * SECOND, regular, &say);
    }
    let greet = Say { text: "Happy new year to my favourite people!".into(), mentions: friends, ..Say::default() };
    w.post(at + 20 * MINUTE, regular, &greet);
    let who = Who {
        username: "maren_k",
        display_name: "Maren K.",
        avatar: true,
        note: "Potter, cyclist, new in town",
        ..Who::default()
    };
    let newcomer = w.signup(at, &who, "maren@proton.me", "85.10.20.30", false);
    w.good.insert(newcomer);
    let six: Vec<u64> = c.all().into_iter().take(6).collect();
    let thanks =
        Say { text: "Thank you all for inviting me here, so happy to join!".into(), mentions: six, ..Say::default() };
    w.post(at + 5 * MINUTE, newcomer, &thanks);
    vec![regular, newcomer]
}
