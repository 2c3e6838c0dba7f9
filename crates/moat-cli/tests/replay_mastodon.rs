//! `moat replay` on a Mastodon capture acts as the live guard does: a Mastodon server has no
//! roles to announce, so the "alert only where roles are unknown" rule of Discord replays
//! (issue 10) must not turn its containment into alerts. Every wave account is silenced,
//! suspended or rejected, the wave's networks get `ip_block` lines, and nobody real is
//! touched; the incident is recorded with the Mastodon ids.

use std::collections::HashSet;
use std::process::Command;

use moat_testkit::fedi::FEDI;

#[test]
fn a_mastodon_replay_contains_the_wave_instead_of_only_alerting() {
    let dir = std::env::temp_dir().join(format!("moat-replay-mastodon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gen = FEDI.iter().find(|(n, _)| *n == "fedi-wave-in-crowd").expect("the generator").1;
    let sc = gen(7);
    let path = dir.join("wave.jsonl");
    std::fs::write(&path, &sc.capture).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_moat")).arg("replay").arg(&path).output().expect("moat runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert!(lines.iter().all(|l| l["platform"] == "mastodon"));
    let mut contained = HashSet::new();
    for l in &lines {
        let reason = l["reason"].as_str().unwrap_or("");
        assert!(!reason.contains("only alerts here"), "no Discord-only rule on Mastodon: {l}");
        if ["silence", "suspend", "reject"].contains(&l["action"].as_str().unwrap_or("")) {
            contained.insert(l["account_id"].as_str().expect("an account").to_string());
        }
    }
    let bad: HashSet<String> = sc.bad.keys().map(u64::to_string).collect();
    let good: HashSet<String> = sc.good.iter().map(u64::to_string).collect();
    let missed: Vec<&String> = bad.difference(&contained).collect();
    assert!(missed.is_empty(), "every wave account contained; missed {missed:?}");
    assert!(contained.is_disjoint(&good), "nobody real touched");
    assert!(lines.iter().any(|l| l["action"] == "ip_block"), "the wave's networks put behind approval");
}

#[test]
fn every_mastodon_generator_is_judged_right_on_unseen_seeds() {
    let dir = std::env::temp_dir().join(format!("moat-replay-mastodon-all-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, gen) in FEDI {
        for seed in [4242, 4243] {
            let sc = gen(seed);
            let path = dir.join(format!("{name}-{seed}.jsonl"));
            std::fs::write(&path, &sc.capture).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_moat")).arg("replay").arg(&path).output().expect("moat runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let mut acted = HashSet::new();
            for l in String::from_utf8(out.stdout).unwrap().lines() {
                let v: serde_json::Value = serde_json::from_str(l).expect("JSON");
                if ["silence", "suspend", "reject"].contains(&v["action"].as_str().unwrap_or("")) {
                    acted.insert(v["account_id"].as_str().expect("an account").to_string());
                }
            }
            let missed: Vec<u64> = sc.bad.keys().copied().filter(|b| !acted.contains(&b.to_string())).collect();
            let hurt: Vec<u64> = sc.good.iter().copied().filter(|g| acted.contains(&g.to_string())).collect();
            assert!(missed.is_empty() && hurt.is_empty(), "{name} seed {seed}: missed {missed:?}, hurt {hurt:?}");
        }
    }
}
