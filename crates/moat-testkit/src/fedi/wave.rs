//! A February-2024-style spam wave: a script registers accounts (local sign-ups and remote
//! accounts on a few spam servers) over twenty minutes and makes each post spam mentioning
//! strangers, with one image, often an invite, the text varied. Each seed varies what a
//! guard must not tune to: the mention counts, the pacing, the share of remote accounts,
//! the networks and mail domains, the image and its alt text, the text templates.

use moat_core::time::{MINUTE, SECOND};
use moat_core::Millis;

use super::crowd::Community;
use super::world::{FediWorld, Say, Who};

/// How a wave is shaped.
#[derive(Debug, Clone)]
pub struct WaveShape {
    pub accounts: usize,
    pub over: Millis,
    /// Mentions per post, inclusive.
    pub mentions: (u64, u64),
    pub remote_share: f64,
    pub posts_per_account: (u64, u64),
}

impl WaveShape {
    /// The shape for a seed: 300 accounts over 20 minutes, the rest varied.
    pub fn for_seed(rng: &crate::world::Rng) -> WaveShape {
        let mentions = *rng.pick(&[(8, 12), (4, 7), (3, 5), (6, 15), (10, 10)]);
        WaveShape {
            accounts: 300,
            over: 20 * MINUTE,
            mentions,
            remote_share: *rng.pick(&[0.0, 0.2, 0.4, 0.6]),
            posts_per_account: *rng.pick(&[(1, 3), (2, 5), (1, 1)]),
        }
    }
}

const OPENERS: &[&str] = &["Join us", "Come see", "You are invited to", "Check out", "Don't miss", "Free entry to"];
const WHATS: &[&str] = &["the best server", "our community", "the real fediverse", "the new hangout", "the party"];
const TAILS: &[&str] = &["now!!", "today", "before it's gone", "- everyone is here", "!!!", "lol"];

fn random_name(w: &FediWorld, len: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|_| A[w.rng.below(A.len() as u64) as usize] as char).collect()
}

/// Writes the wave from `at`; every account it makes is expected contained, hostile from its
/// first post. Targets are drawn from `victims` (people the spammers never talked to).
pub fn wave(w: &mut FediWorld, victims: &Community, at: Millis, shape: &WaveShape) -> Vec<u64> {
    let targets = victims.all();
    let networks: Vec<String> =
        (0..2 + w.rng.below(4)).map(|i| format!("198.51.{}.", 100 + i * 7 + w.rng.below(5))).collect();
    let domains: Vec<String> = (0..1 + w.rng.below(3)).map(|_| format!("{}.example", random_name(w, 7))).collect();
    let servers: Vec<String> = (0..1 + w.rng.below(3)).map(|_| format!("{}.example", random_name(w, 6))).collect();
    let blurhash = format!("LEHV6nWB2yk8{}", random_name(w, 16));
    let alt = if w.rng.chance(0.5) { Some(random_name(w, 12)) } else { None };
    let size = (512 + 64 * w.rng.below(8) as u32, 512);
    let invite = format!("https://discord.gg/{}", random_name(w, 8));
    let bursty = w.rng.chance(0.5);
    let mut ids = Vec::new();
    for i in 0..shape.accounts {
        // Uniform, or in bursts of ten a few seconds apart.
        let t = if bursty {
            at + (i as u64 / 10) * (shape.over / (shape.accounts as u64 / 10).max(1)) + w.rng.below(10 * SECOND)
        } else {
            at + w.rng.below(shape.over)
        };
        let username = random_name(w, 10);
        let display = if w.rng.chance(0.8) { username.clone() } else { String::new() };
        let remote = w.rng.chance(shape.remote_share);
        let who = Who { username: &username, display_name: &display, ..Who::default() };
        let id = if remote {
            let server = w.rng.pick(&servers).clone();
            w.account(t, &Who { domain: Some(&server), ..who })
        } else {
            let email = if w.rng.chance(0.2) {
                format!("{username}@gmail.com")
            } else {
                format!("{username}@{}", w.rng.pick(&domains))
            };
            let ip = format!("{}{}", w.rng.pick(&networks), 1 + w.rng.below(254));
            w.signup(t, &who, &email, &ip, false)
        };
        ids.push(id);
        let posts = shape.posts_per_account.0 + w.rng.below(shape.posts_per_account.1 - shape.posts_per_account.0 + 1);
        let mut pt = t + 20 * SECOND + w.rng.below(90 * SECOND);
        for p in 0..posts {
            let n = shape.mentions.0 + w.rng.below(shape.mentions.1 - shape.mentions.0 + 1);
            let mut mentions: Vec<u64> = (0..n).map(|_| *w.rng.pick(&targets)).collect();
            mentions.sort_unstable();
            mentions.dedup();
            let mut text = format!("{} {} {}", w.rng.pick(OPENERS), w.rng.pick(WHATS), w.rng.pick(TAILS));
            if w.rng.chance(0.5) {
                text.push_str(&format!(" {invite}"));
            }
            text.push_str(&format!(" {}", random_name(w, 5)));
            let say = Say { text, mentions, image: Some((blurhash.clone(), alt.clone(), size)), reply_to: None };
            w.post(pt, id, &say);
            if p == 0 {
                w.expect_bad(id, pt);
            }
            pt += 30 * SECOND + w.rng.below(120 * SECOND);
        }
    }
    ids
}
