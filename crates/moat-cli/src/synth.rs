//! `moat synth`: write a generated scenario as a capture and its expectations, in the same
//! form as `../shared/scenarios` (so `tools/score.py` scores it).

use moat_testkit::scenarios;

use moat_store::cli::Args;

pub fn run(args: &[String]) -> i32 {
    let mut a = Args::new(args);
    let seed = match a.parsed::<u64>("--seed") {
        Ok(s) => s.unwrap_or(1),
        Err(e) => return usage(&e),
    };
    let out = match a.value("--out") {
        Ok(o) => o.unwrap_or_else(|| ".".into()),
        Err(e) => return usage(&e),
    };
    let names = match a.positionals() {
        Ok(n) => n,
        Err(e) => return usage(&e),
    };
    let names: Vec<&str> = if names.is_empty() || names.iter().any(|n| n == "all") {
        scenarios::names()
    } else {
        names.iter().map(String::as_str).collect()
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("moat synth: cannot create {out}: {e}");
        return 1;
    }
    for name in names {
        let Some(gen) = scenarios::by_name(name) else {
            let known: Vec<&str> = scenarios::names();
            return usage(&format!("no scenario `{name}`; known: {}", known.join(", ")));
        };
        let sc = gen(seed);
        let capture = format!("{out}/{name}.jsonl");
        let expect = format!("{out}/{name}.expect.json");
        let written = std::fs::write(&capture, &sc.capture)
            .and_then(|_| std::fs::write(&expect, serde_json::to_string_pretty(&sc.expect_json()).unwrap_or_default()));
        if let Err(e) = written {
            eprintln!("moat synth: cannot write {capture}: {e}");
            return 1;
        }
        eprintln!(
            "moat synth: {capture} ({} lines, {} bad, {} good): {}",
            sc.capture.lines().count(),
            sc.bad.len(),
            sc.good.len(),
            sc.description
        );
    }
    0
}

fn usage(e: &str) -> i32 {
    eprintln!("moat synth: {e}\nusage: moat synth [NAME ...|all] [--seed N] [--out DIR]");
    2
}
