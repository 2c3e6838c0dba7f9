//! Writes the built-in scenarios to a folder, to replay or inspect them:
//! `cargo run -p moat-fake-discord --example write_scenarios -- /tmp/scenarios`.
use moat_testkit::fixture as scenario;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let all = [
        ("raid", scenario::raid(300).1),
        ("flood", scenario::flood().1),
        ("scam-takeover", scenario::scam_takeover().1),
        ("normal-chat", scenario::normal_chat().1),
    ];
    for (name, text) in all {
        let path = format!("{dir}/{name}.jsonl");
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {path}: {e}");
        }
    }
}
