//! `services::require_*` in a child process, so `CI` and the service URL are the child's own:
//! a missing service skips (exit 0, `SKIPPED:` on stderr) outside CI and fails under `CI=true`.

use std::process::Command;

/// Does the real check; a no-op unless the parent test started this process for it.
#[test]
fn probe() {
    if std::env::var("MOAT_SERVICES_PROBE").as_deref() != Ok("1") {
        return;
    }
    let url = moat_testkit::services::require_nats("probe");
    assert!(url.is_none(), "nothing listens on port 1: {url:?}");
}

fn run_probe(ci: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "probe", "--test-threads=1"])
        .env("MOAT_SERVICES_PROBE", "1")
        .env("MOAT_TEST_NATS", "nats://127.0.0.1:1")
        .env_remove("CI");
    if let Some(ci) = ci {
        cmd.env("CI", ci);
    }
    let out = cmd.output().expect("the test binary runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn a_missing_service_is_skipped_on_a_newcomers_machine() {
    let (ok, text) = run_probe(None);
    assert!(ok, "{text}");
    assert!(text.contains("SKIPPED: `probe` needs NATS (JetStream) at nats://127.0.0.1:1"), "{text}");
    assert!(text.contains("docker compose up -d nats"), "{text}");
}

#[test]
fn a_missing_service_fails_under_ci() {
    let (ok, text) = run_probe(Some("true"));
    assert!(!ok, "CI=true must fail when the service is missing:\n{text}");
    assert!(text.contains("CI=true: a missing service fails the run"), "{text}");
}
