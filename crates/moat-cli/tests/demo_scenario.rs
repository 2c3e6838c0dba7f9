//! `moat demo --scenario FILE` reads its file as `moat replay` does: a bad line is named with
//! its number and skipped, a line that is not UTF-8 too; the rest plays as if it were alone.

use std::process::Command;

fn demo(path: &std::path::Path) -> (serde_json::Value, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["demo", "--json", "--scenario"])
        .arg(path)
        .env("RUST_LOG", "warn")
        .output()
        .expect("moat runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let summary = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (summary, String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

#[test]
fn bad_and_non_utf8_lines_are_named_and_skipped_not_the_whole_file() {
    let dir = std::env::temp_dir().join(format!("moat-demo-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The shared example raid (the demo contains it; see README's demo section).
    let clean = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios/raid.jsonl");
    if !clean.is_file() {
        if std::env::var_os("MOAT_SKIP_SHARED").is_some() {
            eprintln!("SKIPPED: ../shared/scenarios/raid.jsonl not found and MOAT_SKIP_SHARED is set");
            return;
        }
        panic!("this test needs ../shared/scenarios beside the repository (set MOAT_SKIP_SHARED=1 to skip)");
    }
    let capture = std::fs::read_to_string(&clean).unwrap();
    let mut lines: Vec<Vec<u8>> = capture.lines().map(|l| l.as_bytes().to_vec()).collect();
    lines.insert(3, b"\xff\xfe not text \xc3\x28".to_vec());
    lines.insert(6, b"this is not json".to_vec());
    let mut bytes = b"\xef\xbb\xbf".to_vec(); // a byte-order mark before the GUILD_CREATE
    bytes.extend(lines.join(&b'\n'));
    let dirty = dir.join("dirty.jsonl");
    std::fs::write(&dirty, bytes).unwrap();

    let (want, err, code) = demo(&clean);
    assert_eq!(code, 0, "{err}");
    assert!(!want["timeouts"].as_array().unwrap().is_empty(), "the raid is contained: {want}");
    let (got, err, code) = demo(&dirty);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("line 4: not UTF-8 text; skipped"), "{err}");
    assert!(err.contains("line 7: not a capture line"), "{err}");
    assert!(!err.contains("could not be read"), "{err}");
    assert_eq!(got["events"], want["events"], "every good line played");
    let ids = |v: &serde_json::Value| {
        let mut ids: Vec<String> = v["timeouts"].as_array().unwrap().iter().map(|t| t.to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&got), ids(&want), "the same raid members contained");
}
