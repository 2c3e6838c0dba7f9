//! Bad input from the network never panics the parser or the engine: thousands of mutated
//! capture lines (flipped bytes, cuts, splices, type confusion) go through both.

use moat_core::{Action, Config, Engine};
use moat_discord_wire::capture::parse_line;
use moat_testkit::{scenarios, Rng};

fn mutate(line: &str, rng: &Rng) -> String {
    let mut b = line.as_bytes().to_vec();
    match rng.below(6) {
        0 => {
            let i = rng.below(b.len() as u64) as usize;
            b[i] = rng.below(256) as u8;
        }
        1 => b.truncate(rng.below(b.len() as u64) as usize),
        2 => {
            let i = rng.below(b.len() as u64) as usize;
            let j = rng.below(b.len() as u64) as usize;
            let (lo, hi) = (i.min(j), i.max(j));
            b.drain(lo..hi);
        }
        3 => {
            // Swap a value's type: a number where a string was, or the reverse.
            let s = String::from_utf8_lossy(&b).replacen("\"id\":\"", "\"id\":", 1).replacen("\"ts\":", "\"ts\":\"", 1);
            b = s.into_bytes();
        }
        4 => {
            let i = rng.below(b.len() as u64) as usize;
            let junk = ["null", "[]", "{}", "\"\\u0000\"", "-1", "1e999", "\u{202E}", "\"@everyone\""];
            b.splice(i..i, rng.pick(&junk).bytes());
        }
        _ => {
            let s = String::from_utf8_lossy(&b)
                .replace("\"content\":\"", "\"content\":\"\u{0}\u{FEFF}<@99999999999999999999999>@everyone ");
            b = s.into_bytes();
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[test]
fn mutated_lines_never_panic_and_good_lines_still_count() {
    let rng = Rng::new(99);
    let mut lines: Vec<String> = Vec::new();
    for (_, gen) in scenarios::ALL {
        lines.extend(gen(5).capture.lines().take(150).map(str::to_string));
    }
    let mut engine = Engine::new(Config::default(), Box::new(moat_core::links::NoLinks));
    let mut out: Vec<Action> = Vec::new();
    let (mut ok, mut bad) = (0, 0);
    for round in 0..6 {
        for line in &lines {
            let input = if round == 0 { line.clone() } else { mutate(line, &rng) };
            match parse_line(&input) {
                Ok(l) => {
                    ok += 1;
                    if let Some(ev) = &l.event {
                        engine.handle(l.ts, ev, &mut out);
                    }
                }
                Err(e) => {
                    bad += 1;
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
    assert!(ok >= lines.len(), "every unmutated line parses ({ok})");
    assert!(bad > lines.len(), "mutations were mostly caught as errors ({bad})");
}

#[test]
fn hostile_but_valid_payloads_are_handled() {
    // Huge ids, timestamps far in the past and future, empty and enormous content.
    let mut engine = Engine::with_defaults();
    let mut out = Vec::new();
    for (ts, content) in [(0u64, String::new()), (u64::MAX / 2, "x".repeat(200_000)), (1, "\u{301}".repeat(50_000))] {
        let line = format!(
            r#"{{"ts":{ts},"t":"MESSAGE_CREATE","d":{{"id":"18446744073709551615","channel_id":"1","guild_id":"1","author":{{"id":"1","username":"u","discriminator":"0","avatar":null}},"member":{{"roles":[],"joined_at":"9999-12-31T23:59:59.000+00:00","deaf":false,"mute":false,"flags":0}},"content":{},"timestamp":"1970-01-01T00:00:00.000+00:00","edited_timestamp":null,"tts":false,"mention_everyone":true,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0,"flags":0}}}}"#,
            serde_json::to_string(&content).unwrap()
        );
        let l = parse_line(&line).expect("valid, if odd");
        engine.handle(l.ts, l.event.as_ref().expect("a message"), &mut out);
    }
}
