//! `moat check`: the link judge on the command line.
//!
//! Moderators use it to ask "what would moat do with this message?", and the evaluation uses
//! `--lines --no-blocklist` to judge thousands of `https://DOMAIN/` lines with the heuristics
//! alone. Output is either readable text or, with `--json`, one JSON object per message in
//! input order: `{"verdict","score","links":[{"url","domain","verdict","reasons"}],"reasons"}`.
//! Links are shown as posted (host normalised, path and query in their own case).
//!
//! Exit code: the worst verdict over every message judged, so scripts can act on it: 0 clean,
//! 3 suspicious, 4 scam; 2 for a usage error, 1 when reading or writing failed.

use std::io::{BufRead, BufWriter, Read, Write};

use moat_core::links::{LinkJudge, LinkReport, LinkVerdict};
use moat_links::{LinkChecker, Options};
use serde_json::{Map, Value};

use crate::flags::CheckArgs;

/// The JSON form of a report, keys in a fixed order.
pub fn report_json(r: &LinkReport) -> Value {
    let links: Vec<Value> = r
        .links
        .iter()
        .map(|l| {
            let mut m = Map::new();
            m.insert("url".into(), l.url.clone().into());
            m.insert("domain".into(), l.domain.clone().into());
            m.insert("verdict".into(), l.verdict.as_str().into());
            m.insert("reasons".into(), l.reasons.clone().into());
            Value::Object(m)
        })
        .collect();
    let mut m = Map::new();
    m.insert("verdict".into(), r.verdict.as_str().into());
    m.insert("score".into(), Value::from(r.score as f64));
    m.insert("links".into(), Value::Array(links));
    m.insert("reasons".into(), r.reasons.clone().into());
    Value::Object(m)
}

fn write_readable(out: &mut impl Write, r: &LinkReport) -> std::io::Result<()> {
    writeln!(out, "{} (score {})", r.verdict.as_str(), r.score)?;
    for reason in &r.reasons {
        writeln!(out, "  - {reason}")?;
    }
    for l in &r.links {
        writeln!(out, "  {}  [{}]  {}", l.url, l.domain, l.verdict.as_str())?;
        for reason in &l.reasons {
            writeln!(out, "      - {reason}")?;
        }
    }
    Ok(())
}

/// The exit code of the worst verdict.
pub fn exit_code(worst: LinkVerdict) -> i32 {
    match worst {
        LinkVerdict::Clean => 0,
        LinkVerdict::Suspicious => 3,
        LinkVerdict::Scam => 4,
    }
}

fn emit(out: &mut impl Write, json: bool, r: &LinkReport, worst: &mut LinkVerdict) -> std::io::Result<()> {
    *worst = (*worst).max(r.verdict);
    if json {
        serde_json::to_writer(&mut *out, &report_json(r)).map_err(std::io::Error::other)?;
        writeln!(out)
    } else {
        write_readable(out, r)
    }
}

/// Runs `moat check`; returns the exit code.
pub fn run(a: CheckArgs) -> i32 {
    let options = Options { no_blocklist: a.no_blocklist, ..Options::default() };
    let text = (!a.text.is_empty()).then(|| a.text.join(" "));
    let mut checker = LinkChecker::with_options(options);
    for f in &a.blocklist {
        if let Err(e) = checker.load_blocklist_file(f) {
            eprintln!("moat check: cannot read {}: {e}", f.display());
            return 2;
        }
    }
    for f in &a.allowlist {
        match std::fs::read_to_string(f) {
            Ok(text) => checker.add_allowlist_text(&text),
            Err(e) => {
                eprintln!("moat check: cannot read {}: {e}", f.display());
                return 2;
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut worst = LinkVerdict::Clean;
    let w = &mut worst;
    let result = (|| -> std::io::Result<()> {
        match (&text, a.lines) {
            (Some(text), false) => emit(&mut out, a.json, &checker.judge(0, text), w)?,
            (Some(text), true) => {
                for line in text.lines() {
                    emit(&mut out, a.json, &checker.judge(0, line), w)?;
                }
            }
            (None, false) => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                emit(&mut out, a.json, &checker.judge(0, &text), w)?;
            }
            (None, true) => {
                let stdin = std::io::stdin();
                let mut buf = Vec::new();
                let mut reader = stdin.lock();
                loop {
                    buf.clear();
                    if reader.read_until(b'\n', &mut buf)? == 0 {
                        break;
                    }
                    let line = String::from_utf8_lossy(&buf);
                    let line = line.trim_end_matches(['\n', '\r']);
                    emit(&mut out, a.json, &checker.judge(0, line), w)?;
                }
            }
        }
        out.flush()
    })();
    match result {
        Ok(()) => exit_code(worst),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit_code(worst),
        Err(e) => {
            eprintln!("moat check: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn json_has_the_documented_shape() {
        let checker = LinkChecker::with_options(Options { no_blocklist: true, ..Options::default() });
        let r = checker.judge(0, "free nitro https://dlscord-gift.ru/claim");
        let v = report_json(&r);
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["verdict", "score", "links", "reasons"]);
        assert_eq!(v["verdict"], "scam");
        let link = &v["links"][0];
        assert_eq!(link["domain"], "dlscord-gift.ru");
        assert!(link["reasons"].as_array().unwrap().len() >= 2);
    }

    #[test]
    fn exit_codes_follow_the_worst_verdict() {
        let run_on = |args: &[&str]| match crate::flags::Cli::try_parse_from(["moat", "check"].iter().chain(args)) {
            Ok(crate::flags::Cli { command: crate::flags::Command::Check(a), .. }) => run(a),
            _ => 2,
        };
        assert_eq!(run_on(&["--no-blocklist", "see you at 8. ok?"]), 0);
        assert_eq!(run_on(&["--no-blocklist", "https://csgo-cases.xyz/"]), 3);
        assert_eq!(run_on(&["--no-blocklist", "free nitro https://dlscord-gift.ru/claim"]), 4);
        assert_eq!(run_on(&["--lines", "--no-blocklist", "ok\nhttps://csgo-cases.xyz/\nhi"]), 3);
        assert_eq!(run_on(&["--bogus"]), 2);
        assert_eq!(run_on(&["--blocklist", "/nonexistent/moat-list.txt", "x"]), 2);
    }

    #[test]
    fn paths_are_printed_as_posted() {
        let checker = LinkChecker::with_options(Options::default());
        let v = report_json(&checker.judge(0, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"));
        assert_eq!(v["links"][0]["url"], "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    }
}
