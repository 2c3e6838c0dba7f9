//! How many actions with evidence per second the store sustains, on each backend, and
//! what handing an action to the write-behind recorder costs the detection path.
//!
//! The actions are the engine's own: every synthetic scenario of `moat_testkit` run
//! through `Engine`, copied across guilds (ids shifted) until there are `--actions` of them.
//!
//!     cargo run --release -p moat-store --example store_bench -- [--actions N] [--skip-postgres]
//!
//! PostgreSQL: 127.0.0.1:5432 (or `MOAT_TEST_POSTGRES`), in a schema of its own, dropped after.

use std::time::Instant;

use moat_core::id::{GuildId, IncidentId};
use moat_core::{Action, Engine};
use moat_discord_wire::capture::parse_line;
use moat_store::{Recorder, RecorderOptions, Store};
use sqlx::Connection;

fn engine_actions() -> Vec<Action> {
    let mut out = Vec::new();
    for seed in 1..=3 {
        for (_, make) in moat_testkit::ALL {
            let sc = make(seed);
            let mut engine = Engine::with_defaults();
            for line in sc.capture.lines() {
                if let Ok(moat_discord_wire::capture::Line { ts, event: Some(ev) }) = parse_line(line) {
                    engine.handle(ts, &ev, &mut out);
                }
            }
            engine.drain(&mut out);
        }
    }
    out
}

/// `n` actions, each with the messages behind it (the engine's actions that carry some).
fn workload(n: usize) -> Vec<Action> {
    let base: Vec<Action> = engine_actions().into_iter().filter(|a| !a.evidence.messages.is_empty()).collect();
    assert!(!base.is_empty(), "the synthetic scenarios produced no actions");
    let mut out = Vec::with_capacity(n);
    let mut copy = 0u64;
    while out.len() < n {
        for a in &base {
            let mut a = a.clone();
            a.guild_id = GuildId(a.guild_id.get() + copy * 1_000_003);
            a.incident = a.incident.map(|i| IncidentId((i.get() + copy * 7_919) & ((1 << 53) - 1)));
            out.push(a);
            if out.len() == n {
                break;
            }
        }
        copy += 1;
    }
    out
}

struct Figures {
    direct_per_s: f64,
    evidence_per_s: f64,
    handover_ns: f64,
    recorder_per_s: f64,
}

/// Measures on two fresh databases from `fresh`: direct batches, then the recorder.
async fn measure(fresh: &mut dyn FnMut() -> String, actions: &[Action]) -> Result<Figures, String> {
    let store = Store::open(&fresh()).await.map_err(|e| e.to_string())?;
    // Direct, in the recorder's batch size.
    let start = Instant::now();
    let mut evidence = 0;
    for chunk in actions.chunks(512) {
        evidence += store.record(chunk).await.map_err(|e| e.to_string())?.evidence;
    }
    let secs = start.elapsed().as_secs_f64();
    let direct_per_s = actions.len() as f64 / secs;
    let evidence_per_s = evidence as f64 / secs;
    store.close().await;
    // Through the recorder: the caller's cost per action, then until all is committed.
    let store = Store::open(&fresh()).await.map_err(|e| e.to_string())?;
    let rec = Recorder::spawn(store.clone(), RecorderOptions { capacity: actions.len() + 1, ..Default::default() })
        .expect("recorder");
    let start = Instant::now();
    for a in actions {
        rec.record(a.clone()).map_err(|e| e.to_string())?;
    }
    let handover = start.elapsed();
    rec.flush().await.map_err(|e| e.to_string())?;
    let total = start.elapsed().as_secs_f64();
    let stats = rec.shutdown().await;
    if stats.failed > 0 || stats.refused > 0 {
        return Err(format!("recorder lost actions: {stats:?}"));
    }
    store.close().await;
    Ok(Figures {
        direct_per_s,
        evidence_per_s,
        handover_ns: handover.as_nanos() as f64 / actions.len() as f64,
        recorder_per_s: actions.len() as f64 / total,
    })
}

fn print(name: &str, f: &Figures) {
    println!(
        "{name:<10} {:>12.0} {:>14.0} {:>16.0} {:>14.0}",
        f.direct_per_s, f.evidence_per_s, f.recorder_per_s, f.handover_ns
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args
        .iter()
        .position(|a| a == "--actions")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000usize);
    let skip_pg = args.iter().any(|a| a == "--skip-postgres");
    let actions = workload(n);
    let with_evidence = actions.iter().filter(|a| !a.evidence.messages.is_empty()).count();
    let messages: usize = actions.iter().map(|a| a.evidence.messages.len()).sum();
    println!(
        "{} actions, {with_evidence} with evidence ({messages} messages), from moat_testkit's scenarios through Engine",
        actions.len()
    );
    println!(
        "{:<10} {:>12} {:>14} {:>16} {:>14}",
        "backend", "actions/s", "evidence msg/s", "recorder act/s", "handover ns"
    );
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let mut files = Vec::new();
        let mut fresh_file = || {
            let file = std::env::temp_dir().join(format!("moat_bench_{}_{}.db", std::process::id(), files.len()));
            files.push(file.clone());
            format!("sqlite://{}?mode=rwc", file.display())
        };
        match measure(&mut fresh_file, &actions).await {
            Ok(f) => print("sqlite", &f),
            Err(e) => println!("sqlite     failed: {e}"),
        }
        for file in &files {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if skip_pg {
            println!("postgres   SKIPPED (--skip-postgres)");
            return;
        }
        let base =
            std::env::var("MOAT_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let mut conn = match sqlx::postgres::PgConnection::connect(&base).await {
            Ok(c) => c,
            Err(e) => {
                println!("postgres   unreachable at {base}: {e}");
                return;
            }
        };
        let schemas: Vec<String> = (0..2).map(|i| format!("moat_bench_{}_{i}", std::process::id())).collect();
        for schema in &schemas {
            let _ = sqlx::raw_sql(&format!("CREATE SCHEMA {schema}")).execute(&mut conn).await;
        }
        let mut next = schemas.iter();
        let mut fresh_schema = || format!("{base}?options=-c%20search_path%3D{}", next.next().expect("two schemas"));
        match measure(&mut fresh_schema, &actions).await {
            Ok(f) => print("postgres", &f),
            Err(e) => println!("postgres   failed: {e}"),
        }
        for schema in &schemas {
            let _ = sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut conn).await;
        }
    });
}
