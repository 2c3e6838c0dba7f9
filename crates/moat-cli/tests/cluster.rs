//! The cluster end to end: three `moat run --cluster` processes on real NATS, the real
//! twilight client, the fake Discord with 1,000 guilds over 16 shards.
//!
//! One test, in phases, so the processes start (and identify 16 shards at Discord's pace)
//! once: the shards spread over the three by their leases; a scraper who joins 40 guilds
//! spread over every process is flagged in each of the 40, real members who joined two or
//! three are not; then one process is killed with `kill -9` in the middle of a raid, and the
//! others resume its shards: the raid is contained, nobody banned twice. Throughout, REST
//! stays under 50 requests/s with no 429, and no identify breaks `max_concurrency` (the
//! fake closes such a session with 4008).

mod cluster_support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use cluster_support as s;
use moat_fake_discord::gateway::shard_of;
use moat_fake_discord::{Call, FakeDiscord};
use moat_testkit::fixture::snowflake;
use s::DAY;

const GUILDS: u64 = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_share_sixteen_shards_and_one_view() {
    let Some(nats) = s::nats_or_skip("cluster e2e") else { return };
    let now = moat_discord::clock::wall_ms();
    let fake = s::fake().await;
    let guilds = s::guilds(GUILDS, now);
    fake.play(&s::creates(&guilds, now), moat_fake_discord::Pace::Fast).await;
    let name = s::cluster_name("a");
    let dir = s::scratch("cluster");
    let cfg = s::config(&dir, &name, 3);
    let mut procs: Vec<s::Proc> = (0..3).map(|n| s::Proc::start(n, &dir, &cfg, &nats, &fake)).collect();
    let obs = s::observer(&nats, &name).await;
    let dump = |procs: &[s::Proc]| procs.iter().map(|p| format!("--- p{}\n{}", p.pid(), p.tail())).collect::<Vec<_>>();
    let held = s::settled(&obs, 3, Duration::from_secs(90)).await;
    let Some(held) = held else { panic!("the groups never spread over 3 processes:\n{}", dump(&procs).join("\n")) };
    assert!(
        fake.wait_sessions(16, Duration::from_secs(90)).await,
        "16 shards ready: {:?}\n{}",
        fake.sessions(),
        dump(&procs).join("\n")
    );
    assert!(s::quiet(&fake, Duration::from_secs(3), Duration::from_secs(120)).await, "the cluster settles");

    // A scraper joins 40 guilds, spread over every shard (so every process), and says nothing;
    // 30 real people join two or three guilds each and chat.
    let scraper = snowflake(now - 700 * DAY, 77);
    let hit: Vec<s::G> = (0..40).map(|i| guilds[i * 25]).collect();
    let procs_hit: BTreeSet<u32> = hit.iter().map(|g| held[(shard_of(g.id, 16) / 4) as usize]).collect();
    assert_eq!(procs_hit.len(), 3, "the scraper's guilds are spread over every process");
    let t = moat_discord::clock::wall_ms();
    let mut lines: Vec<String> =
        hit.iter().enumerate().map(|(i, g)| s::join(g, scraper, "lurker", true, t + i as u64)).collect();
    let people: Vec<u64> = (0..30).map(|i| snowflake(now - 600 * DAY, 200 + i)).collect();
    for (i, &p) in people.iter().enumerate() {
        for k in 0..(2 + i % 2) {
            let g = &guilds[(i * 31 + k * 7) % GUILDS as usize];
            lines.push(s::join(g, p, &format!("person{i}"), true, t + 100 + i as u64));
            if k == 0 {
                lines.push(s::say(g, snowflake(t, 5000 + i as u64), p, "p", t, "hi all, glad to be here", t + 200));
            }
        }
    }
    s::play(&fake, &lines).await;
    let all_told =
        |calls: &[moat_fake_discord::Call]| hit.iter().all(|g| calls.iter().any(|c| s::tells(c, g.mod_log, scraper)));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !all_told(&fake.calls()) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    s::quiet(&fake, Duration::from_secs(3), Duration::from_secs(60)).await;
    let calls = fake.calls();
    let missed: Vec<u64> =
        hit.iter().filter(|g| !calls.iter().any(|c| s::tells(c, g.mod_log, scraper))).map(|g| g.id).collect();
    assert!(
        missed.is_empty(),
        "the scraper is flagged in every guild it joined; not in {missed:?}\n{}",
        dump(&procs).join("\n")
    );
    for p in &people {
        assert!(!calls.iter().any(|c| c.body.contains(&p.to_string())), "real member {p} is never named");
    }
    assert!(!calls.iter().any(|c| c.is_action() && c.path.contains("/bans")), "a flag punishes nobody");
    let posters: BTreeSet<String> = calls
        .iter()
        .filter(|c| hit.iter().any(|g| s::tells(c, g.mod_log, scraper)))
        .filter_map(|c| c.process.clone())
        .collect();
    assert_eq!(posters.len(), 3, "each process tells its own guilds' moderators: {posters:?}");

    kill_mid_raid(&fake, &guilds, &held, &mut procs, now).await;
    limits_held(&fake);
    drop(procs.drain(..));
    let _ = obs.remove_all().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// REST never over 50 a second (in any window), no 429, no identify too soon (4008).
fn limits_held(fake: &moat_fake_discord::FakeDiscord) {
    let calls = fake.calls();
    let peak = s::max_per_second(&calls);
    assert!(peak <= 50, "at most 50 requests in any second across the processes, saw {peak}: {:?}", s::busiest(&calls));
    let limited: Vec<String> = calls.iter().filter(|c| c.status == 429).map(|c| c.path.clone()).collect();
    assert!(limited.is_empty(), "no 429: {limited:?}");
    let closes: BTreeMap<u16, usize> = fake.gateway_closes().into_iter().fold(BTreeMap::new(), |mut m, c| {
        *m.entry(c).or_default() += 1;
        m
    });
    assert!(!closes.contains_key(&4008) && !closes.contains_key(&4004), "no identify too soon: {closes:?}");
}

/// The raid's first third joins and is dealt with by the process that owns the guild; that
/// process is killed (`kill -9`); the rest of the raid joins while nobody holds the shard.
/// Another process takes the group over, resumes the shard (the fake replays what it
/// missed), and contains the rest. Everyone contained, nobody banned twice.
async fn kill_mid_raid(fake: &FakeDiscord, guilds: &[s::G], held: &[u32], procs: &mut [s::Proc], now: u64) {
    let raid = guilds[7];
    let victim = held[(shard_of(raid.id, 16) / 4) as usize];
    let raiders: Vec<u64> = (0..30).map(|i| snowflake(now - 2 * 3_600_000 - i * 60_000, 900 + i)).collect();
    let t = moat_discord::clock::wall_ms();
    let lines = |from: usize, to: usize| -> Vec<String> {
        let mut v = Vec::new();
        for (i, &u) in raiders.iter().enumerate().take(to).skip(from) {
            let at = t + i as u64 * 100;
            v.push(s::join(&raid, u, &format!("free_nitro_{i:03}"), false, at));
            if i % 3 == 0 {
                let text = "JOIN NOW discord.gg/raidparty free nitro";
                v.push(s::say(&raid, snowflake(at, 7000 + i as u64), u, "free_nitro", at, text, at + 50));
            }
        }
        v
    };
    s::play(fake, &lines(0, 10)).await;
    // Its gathered bans go once the raid pauses (2 s), and its session is saved behind it.
    s::quiet(fake, Duration::from_secs(4), Duration::from_secs(60)).await;
    let resumes_before: u32 =
        fake.sessions().iter().filter(|x| x.shard[0] == shard_of(raid.id, 16)).map(|x| x.resumes).sum();
    let killed = procs.iter_mut().find(|p| p.pid() == victim).expect("the raid guild's process");
    killed.kill();
    let killed_at = std::time::Instant::now();
    s::play(fake, &lines(10, 30)).await;
    let shard = shard_of(raid.id, 16);
    let resumed = loop {
        let n: u32 = fake.sessions().iter().filter(|x| x.shard[0] == shard && x.connected).map(|x| x.resumes).sum();
        if n > resumes_before || killed_at.elapsed() > Duration::from_secs(90) {
            break killed_at.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    println!("shard {shard} resumed by another process {:.1} s after kill -9", resumed.as_secs_f64());
    let contained = |calls: &[Call], u: u64| {
        let id = u.to_string();
        calls.iter().filter(|c| c.is_action()).any(|c| {
            (c.path.contains(&format!("/guilds/{}/", raid.id)) && c.path.ends_with(&id))
                || (c.path.ends_with("/bulk-ban") && c.body.contains(&id))
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while !raiders.iter().all(|&u| contained(&fake.calls(), u)) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    s::quiet(fake, Duration::from_secs(3), Duration::from_secs(60)).await;
    let calls = fake.calls();
    let dump: Vec<String> = procs.iter().map(|p| format!("--- p{}\n{}", p.pid(), p.tail())).collect();
    let loose: Vec<u64> = raiders.iter().copied().filter(|&u| !contained(&calls, u)).collect();
    assert!(
        loose.is_empty(),
        "every raider contained, also those who joined while the shard had no process: {loose:?}\n{}",
        dump.join("\n")
    );
    assert!(resumed < Duration::from_secs(90), "the shard was resumed");
    // Those who joined after the kill were seen only through the taker's RESUME.
    let victim_name = format!("m{victim}-");
    let late = raiders[10..].iter().filter(|&&u| {
        calls.iter().any(|c| {
            contained(std::slice::from_ref(c), u) && c.process.as_deref().is_some_and(|p| !p.starts_with(&victim_name))
        })
    });
    assert_eq!(late.count(), 20, "another process contained every raider who joined after the kill");
    // The taker learnt the guild over REST (a RESUME sends no GUILD_CREATE): it tells the
    // guild's moderators in their #mod-log.
    let told = calls.iter().any(|c| {
        c.path.starts_with(&format!("/channels/{}/messages", raid.mod_log))
            && c.process.as_deref().is_some_and(|p| !p.starts_with(&victim_name))
    });
    assert!(told, "the taker alerts the raid guild's moderators\n{}", dump.join("\n"));
    for &u in &raiders {
        let id = u.to_string();
        let bans = calls
            .iter()
            .filter(|c| c.is_action())
            .filter(|c| {
                c.path.ends_with(&format!("/bans/{id}"))
                    || (c.path.ends_with("/bulk-ban")
                        && c.json()["user_ids"].as_array().is_some_and(|a| a.iter().any(|v| v.as_str() == Some(&id))))
            })
            .count();
        assert!(bans <= 1, "raider {u} banned {bans} times");
    }
}

/// An operator who asked for a cluster that is not there gets a clear error naming it, and
/// no lone bot.
#[test]
fn an_unreachable_nats_is_named_at_start() {
    let url = "nats://127.0.0.1:9";
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["run", "--cluster", url, "--gateway-url", "ws://127.0.0.1:9", "--rest-proxy", "127.0.0.1:9"])
        .env("DISCORD_TOKEN", "fake-token")
        .env("MOAT_CLUSTER_SECRET", s::SECRET)
        .output()
        .expect("moat runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot reach NATS at nats://127.0.0.1:9"), "the error names the URL: {err}");
}
