//! The `moat` binary's surface as a user meets it: `--version`, `--help` on every command,
//! shell completions, and `moat synth`'s refusal to overwrite.

use std::process::{Command, Output};

fn moat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moat")).args(args).output().expect("moat runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn version_and_help_on_every_command() {
    let v = moat(&["--version"]);
    assert!(v.status.success());
    assert_eq!(String::from_utf8_lossy(&v.stdout).trim(), format!("moat {}", env!("CARGO_PKG_VERSION")));
    for cmd in [
        &["replay"][..],
        &["check"],
        &["synth"],
        &["bench"],
        &["demo"],
        &["run"],
        &["incidents", "list"],
        &["incidents", "show"],
        &["evidence", "export"],
        &["evidence", "purge"],
        &["db", "migrate"],
        &["db", "export"],
        &["db", "delete-guild"],
        &["db", "forget-user"],
        &["invite-url"],
        &["doctor"],
        &["completions"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let o = moat(&args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("Usage: moat {}", cmd.join(" "))), "{args:?}");
    }
    let o = moat(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("frobnicate"));
}

#[test]
fn completions_are_printed() {
    let o = moat(&["completions", "bash"]);
    assert!(o.status.success());
    let script = String::from_utf8_lossy(&o.stdout);
    assert!(script.contains("_moat") && script.contains("replay") && script.contains("--gateway-url"));
}

#[test]
fn synth_prints_usage_without_arguments_and_never_overwrites_unasked() {
    let o = moat(&["synth"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("Usage: moat synth"), "{}", text(&o));

    let dir = std::env::temp_dir().join(format!("moat-cli-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.to_str().unwrap();
    assert!(moat(&["synth", "flood", "--out", out]).status.success());
    let capture = dir.join("flood.jsonl");
    std::fs::write(&capture, "mine\n").unwrap();
    let o = moat(&["synth", "flood", "--seed", "2", "--out", out]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&capture).unwrap(), "mine\n", "left as it was");
    assert!(moat(&["synth", "flood", "--out", out, "--force"]).status.success());
    assert_ne!(std::fs::read_to_string(&capture).unwrap(), "mine\n");
    let o = moat(&["synth", "nosuch", "--out", out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("known:"));
    let _ = std::fs::remove_dir_all(&dir);
}
