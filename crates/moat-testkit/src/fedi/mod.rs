//! Mastodon scenarios: captures in Mastodon's own shapes (webhook bodies and streaming
//! messages, see [`world`]) with what a guard should make of them, for `moat synth`, the
//! tests and the demo. [`crowd`] writes the people to leave alone, [`wave`] the spam wave.

pub mod crowd;
pub mod variants;
pub mod wave;
pub mod world;

use moat_core::time::MINUTE;
use moat_core::Millis;

use crate::scenarios::{Generator, Scenario};
use world::FediWorld;

/// The Mastodon generators, by name.
pub const FEDI: &[(&str, Generator)] = &[
    ("fedi-wave", fedi_wave),
    ("fedi-crowd", fedi_crowd),
    ("fedi-wave-in-crowd", fedi_wave_in_crowd),
    ("fedi-link-wave", fedi_link_wave),
];

pub const START: Millis = 1_767_272_400_000;

fn scenario(name: &'static str, description: &'static str, w: FediWorld) -> Scenario {
    Scenario { name, description, capture: w.capture(), bad: w.bad, bad_start: w.bad_start, good: w.good }
}

/// The everyday server: regulars chatting for an hour, a popular account's long thread, a
/// remote bot.
pub fn everyday(seed: u64) -> (FediWorld, crowd::Community) {
    let mut w = FediWorld::new(seed);
    let c = crowd::community(&mut w, START, 30);
    crowd::chat(&mut w, &c, START, 60 * MINUTE);
    crowd::thread_reply(&mut w, &c, START + 10 * MINUTE);
    crowd::remote_bot(&mut w, START, 60 * MINUTE);
    (w, c)
}

/// A wave of 300 accounts over 20 minutes on an everyday server.
pub fn fedi_wave(seed: u64) -> Scenario {
    let (mut w, c) = everyday(seed);
    let shape = wave::WaveShape::for_seed(&w.rng);
    wave::wave(&mut w, &c, START + 15 * MINUTE, &shape);
    scenario(
        "fedi-wave",
        "300 scripted accounts (local and remote) over 20 min post spam mentioning strangers with one image; contain all; regulars, a long thread's reply and a remote bot untouched",
        w,
    )
}

/// A news event's hundred real sign-ups posting introductions on an everyday server.
pub fn fedi_crowd(seed: u64) -> Scenario {
    let (mut w, c) = everyday(seed);
    crowd::news_signups(&mut w, &c, START + 5 * MINUTE, 100);
    scenario(
        "fedi-crowd",
        "a news event brings 100 real sign-ups who post introductions (a shared link, photos, a few mentions); nothing to punish",
        w,
    )
}

/// The wave arriving during the news event.
pub fn fedi_wave_in_crowd(seed: u64) -> Scenario {
    let (mut w, c) = everyday(seed);
    crowd::news_signups(&mut w, &c, START + 5 * MINUTE, 100);
    let shape = wave::WaveShape::for_seed(&w.rng);
    wave::wave(&mut w, &c, START + 12 * MINUTE, &shape);
    scenario(
        "fedi-wave-in-crowd",
        "the spam wave arrives while 100 real newcomers introduce themselves; contain the wave, leave the newcomers",
        w,
    )
}

/// A slower, link-only wave (no image; half remote, Misskey-like) while real people mention
/// many friends at once.
pub fn fedi_link_wave(seed: u64) -> Scenario {
    let (mut w, c) = everyday(seed);
    variants::friends_once(&mut w, &c, START + 2 * MINUTE);
    crowd::news_signups(&mut w, &c, START + 5 * MINUTE, 40);
    variants::link_wave(&mut w, &c, START + 10 * MINUTE, 150);
    scenario(
        "fedi-link-wave",
        "150 accounts over an hour post a rotating link (no image) mentioning 3-15 strangers, half remote with empty display names; a regular greets 12 friends and a real newcomer thanks 6 people at once; contain the wave, spare them",
        w,
    )
}
