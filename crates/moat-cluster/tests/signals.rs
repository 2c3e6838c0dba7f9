//! Cross-guild signals and ban pools against a real NATS, with three in-process members:
//! a scraper joining 40 guilds spread over all three is flagged in each guild by the member
//! that owns it; real members in two or three guilds are not; a pool ban reaches the others.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::*;
use moat_cluster::pools::BanPools;
use moat_cluster::signals::{GuildFlag, Signal, SignalDetector, SignalKind, SignalPublisher};
use moat_core::config::ScraperSettings;

const SECRET: &[u8] = b"test-secret-of-sixteen-bytes";
const SCRAPER: u64 = 900_000_000_000_000_001;
/// Guild `g` of the test is `G0 + g` on the wire (ids as long as Discord's).
const G0: u64 = 600_000_000_000_000_000;

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

fn sig(kind: SignalKind, user: u64, guild: u64) -> Signal {
    Signal { kind, user, guild: G0 + guild, at_ms: now_ms(), fingerprints: Vec::new() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scraper_over_three_members_is_flagged_in_each_guild_and_real_members_are_not() {
    let Some(url) = nats_or_skip("cross-guild scraper") else { return };
    let s = settings(3);
    let mut publishers = Vec::new();
    let mut detectors = Vec::new();
    let mut flags = Vec::new();
    for i in 0..3u64 {
        let c = member(&url, &s, &format!("m{i}")).await;
        publishers.push(SignalPublisher::open(&c, SECRET).await.unwrap());
        // Member i owns the guilds g with g % 3 == i (as if it held their shards).
        let (d, rx) = SignalDetector::start(&c, ScraperSettings::default(), move |g| (g - G0) % 3 == i).await.unwrap();
        detectors.push(d);
        flags.push(rx);
    }
    let owner = |g: u64| &publishers[(g % 3) as usize];
    for g in 1..=40u64 {
        owner(g).publish(&sig(SignalKind::Join, SCRAPER, g)).await.unwrap();
    }
    // Real people: join two or three of the same guilds and talk in them.
    for u in 1..=6u64 {
        let guilds: Vec<u64> = (0..(2 + u % 2)).map(|k| 1 + (u * 7 + k * 5) % 40).collect();
        for (k, &g) in guilds.iter().enumerate() {
            owner(g).publish(&sig(SignalKind::Join, u, g)).await.unwrap();
            if k == 0 {
                let mut m = sig(SignalKind::Message, u, g);
                m.fingerprints.push(owner(g).fingerprint("hello everyone"));
                owner(g).publish(&m).await.unwrap();
            }
        }
    }
    // A quiet real member in two guilds.
    for g in [3u64, 4] {
        owner(g).publish(&sig(SignalKind::Join, 77, g)).await.unwrap();
    }

    let mut got: BTreeMap<u64, Vec<(usize, GuildFlag)>> = BTreeMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut grace = None;
    loop {
        for (i, rx) in flags.iter_mut().enumerate() {
            while let Ok(f) = rx.try_recv() {
                got.entry(f.user).or_default().push((i, f));
            }
        }
        let scraper_guilds = got.get(&SCRAPER).map_or(0, Vec::len);
        if scraper_guilds >= 40 && grace.is_none() {
            // Everything the real members did was published before the scraper was complete.
            grace = Some(tokio::time::Instant::now() + Duration::from_secs(1));
        }
        let now = tokio::time::Instant::now();
        if now >= deadline || grace.is_some_and(|g| now >= g) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let scraper = got.remove(&SCRAPER).unwrap_or_default();
    let guilds: BTreeSet<u64> = scraper.iter().map(|(_, f)| f.guild - G0).collect();
    assert_eq!(guilds, (1..=40).collect(), "flagged in each of the 40 guilds");
    assert_eq!(scraper.len(), 40, "once per guild");
    assert!(scraper.iter().all(|(i, f)| (f.guild - G0) % 3 == *i as u64), "each flag reached the guild's owner");
    assert!(scraper
        .iter()
        .all(|(_, f)| f.reason.contains("protected servers") && !f.reason.contains(&f.guild.to_string())));
    assert!(got.is_empty(), "no real member flagged: {got:?}");
    for d in detectors {
        d.stop().await;
    }
    member(&url, &s, "x").await.remove_all().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_ban_reaches_the_other_members() {
    let Some(url) = nats_or_skip("ban pools") else { return };
    let s = settings(3);
    let a = BanPools::open(&member(&url, &s, "a").await).await.unwrap();
    let b = BanPools::open(&member(&url, &s, "b").await).await.unwrap();
    a.add("partners", 4242, 10, "raid member (incident 7)").await.unwrap();
    let mut rx = b.watch().await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
    assert_eq!((first.pool.as_str(), first.user, first.by_guild), ("partners", 4242, 10));
    a.add("partners", 4343, 11, "scam").await.unwrap();
    let second = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
    assert_eq!(second.user, 4343);
    assert!(a.add("bad pool", 1, 1, "x").await.is_err());
    member(&url, &s, "x").await.remove_all().await.unwrap();
}
