//! The `fake-discord` program: `--help` documents every option, `--version` answers, and
//! `--guilds 3 --shards 2 CAPTURE` plays the capture as three re-based guilds, prints the
//! summary as JSON and writes the id map beside it.

mod support;

use std::process::Command;

use support::{Guild, T0};

const BIN: &str = env!("CARGO_BIN_EXE_fake-discord");

#[test]
fn help_and_version() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--speed",
        "--guilds",
        "--shards",
        "--max-concurrency",
        "--identify-interval-ms",
        "--no-rebase",
        "--summary",
        "--id-map",
        "--exit",
        "--token",
        "--spec",
        "--strict",
        "--rest-latency-ms",
        "--oauth-user",
        "--oauth-guild",
        "--client-secret",
        "--redirect-uri",
        "--gateway-port",
        "--rest-port",
        "--wait-sessions",
        "--daily-identifies",
        "--invalid-request-limit",
        "--settle-secs",
    ] {
        assert!(text.contains(flag), "--help names {flag}");
    }
    let version = Command::new(BIN).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), format!("fake-discord {}", env!("CARGO_PKG_VERSION")));
    let bad = Command::new(BIN).arg("--guilds").arg("zero").output().unwrap();
    assert!(!bad.status.success());
}

#[test]
fn a_capture_spread_over_guilds_prints_its_summary_and_id_map() {
    let dir = std::env::temp_dir().join(format!("fake-discord-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let g = Guild::new(1);
    let capture = dir.join("chat.jsonl");
    std::fs::write(&capture, support::chat(&g, 3)).unwrap();
    let summary = dir.join("summary.json");
    let out = Command::new(BIN)
        .args([
            "--guilds",
            "3",
            "--shards",
            "2",
            "--wait-sessions",
            "0",
            "--speed",
            "0",
            "--settle-secs",
            "0",
            "--exit",
        ])
        .arg("--summary")
        .arg(&summary)
        .arg(&capture)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).expect("the summary as JSON");
    assert_eq!(json["guilds"], 3);
    assert!(json["shift_ms"].as_i64().unwrap() > 0, "re-based to now, after {T0}");
    let map_file = dir.join("summary.ids.json");
    assert_eq!(json["id_map_file"], map_file.display().to_string());
    let map: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&map_file).unwrap()).unwrap();
    let copies = map["ids"][g.id.to_string()].as_array().unwrap();
    assert_eq!(copies.len(), 3);
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(written, json);
    std::fs::remove_dir_all(&dir).ok();
}
