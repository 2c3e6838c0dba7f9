//! `moat synth`: write a generated scenario as a capture and its expectations, in the same
//! form as `../shared/scenarios` (so `tools/score.py` scores it).
//!
//! With no arguments it prints its usage (clap); it never overwrites a file unless told
//! (`--force`), and it checks every file before writing any, so a refusal leaves nothing
//! half-written.

use std::path::PathBuf;

use moat_testkit::scenarios;

use crate::flags::SynthArgs;

pub fn run(a: SynthArgs) -> i32 {
    let names: Vec<&str> = if a.names.iter().any(|n| n == "all") {
        scenarios::ALL.iter().map(|(n, _)| *n).collect()
    } else {
        a.names.iter().map(String::as_str).collect()
    };
    let mut plan: Vec<(&str, PathBuf, PathBuf)> = Vec::new();
    for name in names {
        if scenarios::by_name(name).is_none() {
            let known: Vec<&str> = scenarios::ALL.iter().map(|(n, _)| *n).collect();
            eprintln!("moat synth: no scenario `{name}`; known: {}, all", known.join(", "));
            return 2;
        }
        let capture = a.out.join(format!("{name}.jsonl"));
        let expect = a.out.join(format!("{name}.expect.json"));
        if !a.force {
            if let Some(existing) = [&capture, &expect].into_iter().find(|p| p.exists()) {
                eprintln!("moat synth: {} exists; add --force to overwrite it", existing.display());
                return 1;
            }
        }
        plan.push((name, capture, expect));
    }
    if let Err(e) = std::fs::create_dir_all(&a.out) {
        eprintln!("moat synth: cannot create {}: {e}", a.out.display());
        return 1;
    }
    for (name, capture, expect) in plan {
        let Some(gen) = scenarios::by_name(name) else { continue };
        let sc = gen(a.seed);
        let written = std::fs::write(&capture, &sc.capture)
            .and_then(|_| std::fs::write(&expect, serde_json::to_string_pretty(&sc.expect_json()).unwrap_or_default()));
        if let Err(e) = written {
            eprintln!("moat synth: cannot write {}: {e}", capture.display());
            return 1;
        }
        eprintln!(
            "moat synth: {} ({} lines, {} bad, {} good): {}",
            capture.display(),
            sc.capture.lines().count(),
            sc.bad.len(),
            sc.good.len(),
            sc.description
        );
    }
    0
}
