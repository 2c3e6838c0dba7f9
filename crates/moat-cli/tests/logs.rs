//! Logs never carry the bot token, at any level, in either format; `--log-format json`
//! writes one JSON object a line.

use std::process::Command;

const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-token-for-the-log-test";

fn run_moat(format: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("moat-logs-test-{}-{format}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("moat.toml");
    std::fs::write(&config, format!("[discord]\ntoken = \"{TOKEN}\"\n")).unwrap();
    let db = dir.join("moat.db");
    // Nothing listens on port 1: start-up gets as far as asking the gateway and fails,
    // logging what it did on the way.
    let out = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["--log-format", format, "run", "--gateway-url", "ws://127.0.0.1:1", "--rest-proxy", "127.0.0.1:1"])
        .arg("--config")
        .arg(&config)
        .arg("--database")
        .arg(db.to_str().unwrap())
        .env("RUST_LOG", "trace")
        .env("DISCORD_TOKEN", TOKEN)
        .output()
        .expect("moat runs");
    let _ = std::fs::remove_dir_all(&dir);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), all)
}

#[test]
fn the_token_never_reaches_a_log() {
    for format in ["text", "json"] {
        let (code, all) = run_moat(format);
        assert_ne!(code, 0, "nothing to connect to: {all}");
        assert!(!all.trim().is_empty(), "something was logged");
        assert!(!all.contains(TOKEN) && !all.contains("secret-token"), "{format}: {all}");
    }
}

#[test]
fn json_logs_are_one_object_a_line() {
    let (_, all) = run_moat("json");
    let lines: Vec<&str> = all.lines().filter(|l| l.starts_with('{')).collect();
    assert!(!lines.is_empty(), "{all}");
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert!(v.get("level").is_some() && v.get("fields").is_some(), "{l}");
    }
}
