//! `moat replay` as a user runs it: generated and shared captures scored, bad lines
//! reported and skipped, bad configuration named, output deterministic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use moat_testkit::scenarios;
use moat_testkit::score::{score, Expectation};

fn moat() -> Command {
    Command::new(env!("CARGO_BIN_EXE_moat"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("moat-replay-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    actions: Vec<serde_json::Value>,
    stderr: String,
    code: i32,
}

fn replay(path: &Path, extra: &[&str]) -> Run {
    let out = moat().arg("replay").arg(path).args(extra).output().expect("moat runs");
    let actions = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect();
    Run { actions, stderr: String::from_utf8_lossy(&out.stderr).into_owned(), code: out.status.code().unwrap_or(-1) }
}

/// The missed bad users and the good ones punished or with messages deleted, scored as
/// `score.py` scores; every action says why and which detector decided it.
fn judge(actions: &[serde_json::Value], expect: &Expectation) -> (Vec<String>, Vec<String>) {
    for a in actions {
        assert!(!a["reason"].as_str().unwrap().is_empty());
        assert!(a["detector"].is_string());
    }
    let s = score(expect, actions);
    let mut hurt = s.punished_good;
    hurt.extend(s.deleted_good);
    (s.missed, hurt)
}

#[test]
fn generated_scenarios_are_judged_right() {
    let dir = tmp("gen");
    for (name, gen) in scenarios::ALL {
        for seed in [101, 202] {
            let sc = gen(seed);
            let path = dir.join(format!("{name}-{seed}.jsonl"));
            std::fs::write(&path, &sc.capture).unwrap();
            let run = replay(&path, &[]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            let (missed, hurt) = judge(&run.actions, &Expectation::of(&sc));
            assert!(missed.is_empty() && hurt.is_empty(), "{name} seed {seed}: missed {missed:?}, hurt {hurt:?}");
        }
    }
}

#[test]
fn shared_example_captures_are_judged_right() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios");
    if !shared.is_dir() {
        if std::env::var_os("MOAT_SKIP_SHARED").is_some() {
            eprintln!("SKIPPED: ../shared/scenarios not found and MOAT_SKIP_SHARED is set");
            return;
        }
        panic!("this test needs the example captures in ../shared/scenarios beside the repository (set MOAT_SKIP_SHARED=1 to skip)");
    }
    let mut seen = 0;
    for entry in std::fs::read_dir(&shared).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let expect: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("expect.json")).unwrap()).unwrap();
        let run = replay(&path, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let (missed, hurt) = judge(&run.actions, &Expectation::from_json(&expect).unwrap());
        assert!(missed.is_empty() && hurt.is_empty(), "{}: missed {missed:?}, hurt {hurt:?}", path.display());
        seen += 1;
    }
    assert!(seen >= 5, "expected the five example captures, found {seen}");
}

#[test]
fn malformed_lines_are_reported_with_their_number_and_skipped() {
    let dir = tmp("bad");
    let sc = scenarios::mention_spam(3);
    let mut lines: Vec<String> = sc.capture.lines().map(str::to_string).collect();
    lines.insert(3, "this is not json".into());
    lines.insert(5, r#"{"ts":1,"t":"MESSAGE_CREATE","d":{"id":"nope"}}"#.into());
    lines.insert(7, r#"{"ts":1,"t":"SOMETHING_NEW","d":{}}"#.into());
    lines.insert(9, String::new());
    let path = dir.join("bad.jsonl");
    let mut bytes = lines.join("\n").into_bytes();
    // A line that is not even UTF-8, in the middle of the capture.
    let at = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(10).unwrap().0 + 1;
    bytes.splice(at..at, b"\xff\xfe garbage \xc3\x28\n".iter().copied());
    std::fs::write(&path, bytes).unwrap();
    let run = replay(&path, &[]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("line 12: not UTF-8 text"), "{}", run.stderr);
    assert!(run.stderr.contains("line 4: not a capture line"), "{}", run.stderr);
    assert!(run.stderr.contains("line 6: bad MESSAGE_CREATE payload"), "{}", run.stderr);
    assert!(run.stderr.contains("SOMETHING_NEW"), "unknown events are counted, not hidden: {}", run.stderr);
    assert!(run.stderr.contains("3 bad lines skipped"), "{}", run.stderr);
    let bad: Vec<&u64> = sc.bad.keys().collect();
    assert!(
        run.actions
            .iter()
            .any(|a| a["action"] == "timeout" && a["user_id"].as_str() == Some(bad[0].to_string().as_str())),
        "the rest still replays"
    );
}

#[test]
fn output_is_deterministic() {
    let dir = tmp("det");
    let path = dir.join("raid.jsonl");
    std::fs::write(&path, scenarios::raid(5).capture).unwrap();
    let a = replay(&path, &[]).actions;
    let b = replay(&path, &[]).actions;
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn a_bad_config_is_named_and_stops_the_replay() {
    let dir = tmp("cfg");
    let path = dir.join("q.jsonl");
    std::fs::write(&path, scenarios::quiet_chat(1).capture).unwrap();
    let cfg = dir.join("moat.toml");
    std::fs::write(&cfg, "[pressure]\nlimit = 0.0\n").unwrap();
    let run = replay(&path, &["--config", cfg.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("pressure.limit") && run.stderr.contains("above 0"), "{}", run.stderr);
    assert!(run.actions.is_empty());
    // A good config changes decisions: a guild that bans raiders.
    let raid = dir.join("raid.jsonl");
    let sc = scenarios::raid(2);
    std::fs::write(&raid, &sc.capture).unwrap();
    std::fs::write(&cfg, "[raid]\naction = \"ban\"\n").unwrap();
    let run = replay(&raid, &["--config", cfg.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.actions.iter().any(|a| a["action"] == "ban" && a["detector"] == "raid"));
}

#[test]
fn the_example_config_is_accepted() {
    let dir = tmp("example");
    let path = dir.join("q.jsonl");
    std::fs::write(&path, scenarios::quiet_chat(1).capture).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../moat.example.toml");
    let run = replay(&path, &["--config", example.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn replay_records_incidents_and_evidence_into_a_database() {
    let dir = tmp("db");
    let path = dir.join("raid.jsonl");
    let sc = scenarios::raid(3);
    std::fs::write(&path, &sc.capture).unwrap();
    let db = dir.join("moat.db");
    let _ = std::fs::remove_file(&db);
    let run = replay(&path, &["--database", db.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("recorded"), "{}", run.stderr);
    let list = moat().args(["incidents", "list", "--json", "--database", db.to_str().unwrap()]).output().unwrap();
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let incidents: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let raid = incidents.as_array().unwrap().iter().find(|i| i["kind"] == "raid").expect("a raid incident");
    assert!(raid["members"].as_u64().unwrap() as usize >= sc.bad.len() / 2, "{raid}");
    let id = raid["incident"].to_string();
    let export =
        moat().args(["evidence", "export", "--incident", &id, "--database", db.to_str().unwrap()]).output().unwrap();
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let ev: serde_json::Value = serde_json::from_slice(&export.stdout).expect("evidence is JSON");
    assert!(ev.to_string().contains("RAIDED BY THE CREW"), "the deleted messages' text is kept as evidence");
}

#[test]
fn capture_edges_are_said_and_handled_safely() {
    let dir = tmp("edges");
    let sc = scenarios::mention_spam(3);
    let lines: Vec<String> = sc.capture.lines().map(str::to_string).collect();
    // A byte-order mark on line 1 (the GUILD_CREATE) still reads.
    let bom = dir.join("bom.jsonl");
    std::fs::write(&bom, format!("\u{feff}{}", sc.capture)).unwrap();
    let plain = replay(&bom, &[]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(plain.stderr.contains("0 bad lines"), "{}", plain.stderr);
    assert!(!plain.stderr.contains("no GUILD_CREATE"), "{}", plain.stderr);

    // An event dated an hour back is skipped and counted; the column is the line's own.
    let mut shuffled = lines.clone();
    let late = shuffled[20].clone();
    let v: serde_json::Value = serde_json::from_str(&late).unwrap();
    let back = v["ts"].as_u64().unwrap() - 3_600_000;
    shuffled.push(late.replacen(&format!("\"ts\":{}", v["ts"]), &format!("\"ts\":{back}"), 1));
    shuffled.push(r#"{"ts":1,"t":"MESSAGE_CREATE","d":{"id":"1","channel_id":"2",}}"#.into());
    let path = dir.join("back.jsonl");
    std::fs::write(&path, shuffled.join("\n")).unwrap();
    let run = replay(&path, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("events went back in time"), "{}", run.stderr);
    assert!(run.stderr.contains("1 further back were skipped"), "{}", run.stderr);
    assert!(!run.stderr.contains("at line 1 column"), "columns are within the capture's line: {}", run.stderr);
    assert_eq!(replay(&path, &["--strict"]).code, 1, "--strict makes any bad line an error");

    // Without GUILD_CREATE, moat says so.
    let headless = dir.join("headless.jsonl");
    std::fs::write(
        &headless,
        lines.iter().filter(|l| !l.contains("GUILD_CREATE")).cloned().collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    assert!(replay(&headless, &[]).stderr.contains("no GUILD_CREATE for guild(s)"));

    // Nothing readable: exit 1, and a thousand bad lines print a few messages and a count.
    let junk = dir.join("junk.jsonl");
    std::fs::write(&junk, "garbage\n".repeat(1000)).unwrap();
    let run = replay(&junk, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.lines().count() < 20, "{}", run.stderr);
    assert!(run.stderr.contains("995 more bad lines not shown (1000 in all)"), "{}", run.stderr);
}

/// `lines` with each moved by up to 3 s of made-up jitter (a fixed LCG), lines of one
/// time keeping their order (which no clock could tell apart).
fn shuffled_within_3s(lines: &[String], seed: u64) -> Vec<String> {
    let ts = |l: &String| serde_json::from_str::<serde_json::Value>(l).unwrap()["ts"].as_u64().unwrap();
    let mut x = seed;
    let mut keyed: Vec<(u64, usize)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (ts(l) + (x >> 33) % 3_000, i)
        })
        .collect();
    keyed.sort();
    let mut out: Vec<String> = keyed.iter().map(|&(_, i)| lines[i].clone()).collect();
    // Within each time, the slots its lines took get them back in the file's order.
    let mut by_time: BTreeMap<u64, std::collections::VecDeque<&String>> = BTreeMap::new();
    for l in lines {
        by_time.entry(ts(l)).or_default().push_back(l);
    }
    for slot in out.iter_mut() {
        *slot = by_time.get_mut(&ts(slot)).unwrap().pop_front().unwrap().clone();
    }
    out
}

#[test]
fn events_a_few_seconds_out_of_order_are_put_back_in_order() {
    let dir = tmp("reorder");
    let mut checked = 0;
    for (name, sc) in
        [("raid", scenarios::raid(7)), ("mention-spam", scenarios::mention_spam(7)), ("flood", scenarios::flood(7))]
    {
        let mut sorted: Vec<String> = sc.capture.lines().map(str::to_string).collect();
        sorted.sort_by_key(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["ts"].as_u64().unwrap());
        let in_order = dir.join(format!("{name}-sorted.jsonl"));
        std::fs::write(&in_order, sorted.join("\n")).unwrap();
        let want = replay(&in_order, &[]);
        assert_eq!(want.code, 0, "{}", want.stderr);
        assert!(!want.actions.is_empty(), "{name} decides something");

        let shuffled = shuffled_within_3s(&sorted, 42);
        assert_ne!(shuffled, sorted, "the shuffle moved lines");
        // And one line 10 s behind the newest: reported and skipped, not taken.
        let last = sorted.last().unwrap().clone();
        let last_ts = serde_json::from_str::<serde_json::Value>(&last).unwrap()["ts"].as_u64().unwrap();
        let mut with_late = shuffled.clone();
        with_late.push(last.replacen(&format!("\"ts\":{last_ts}"), &format!("\"ts\":{}", last_ts - 10_000), 1));
        let path = dir.join(format!("{name}-shuffled.jsonl"));
        std::fs::write(&path, with_late.join("\n")).unwrap();
        let got = replay(&path, &[]);
        assert_eq!(got.code, 0, "{}", got.stderr);
        assert_eq!(got.actions, want.actions, "{name}: the shuffled capture decides as the sorted one");
        assert!(got.stderr.contains("were put back in order, 1 further back were skipped"), "{}", got.stderr);
        assert!(got.stderr.contains("dated 10000 ms before an earlier event; skipped"), "{}", got.stderr);
        checked += 1;
    }
    assert_eq!(checked, 3);
}
