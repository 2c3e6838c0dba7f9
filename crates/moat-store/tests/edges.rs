//! The store's edges as an operator meets them (SQLite files): read-only commands never
//! create a database nor touch an unrelated one; broken files fail at once with what is
//! wrong; a newer schema is refused; `evidence purge --days 0 --yes`; `db forget-user`.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{flood, raid, run, MIN, T0};
use moat_core::id::{GuildId, IncidentId, UserId};
use moat_store::cli::Command;
use moat_store::Store;

const G: GuildId = GuildId(424_242_424_242);
const LIST: Command = Command::IncidentsList { guild: None, json: true, limit: 50 };

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("moat-store-edges-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn read_only_commands_never_create_a_store() {
    let d = dir("missing");
    let path = d.join("mistyped.db");
    let p = path.to_str().unwrap();
    for c in [LIST, Command::EvidenceExport { incident: IncidentId(1), guild: None }, Command::DbExport { guild: G }] {
        let (code, _, err) = run(c, p);
        assert_eq!(code, 1);
        assert!(err.contains("no store at") && err.contains("moat db migrate"), "{err}");
        assert!(!err.contains("mode="), "{err}");
    }
    assert!(!path.exists(), "nothing was created");
    let (code, out, err) = run(Command::DbMigrate, p);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("migrated"), "{out}");
    assert!(path.exists(), "db migrate creates it");
    let (code, out, err) = run(LIST, p);
    assert_eq!((code, out.trim()), (0, "[]"), "{err}");
}

#[test]
fn an_unrelated_or_broken_file_is_named_at_once() {
    let d = dir("broken");
    let other = d.join("other.db");
    let p = other.to_str().unwrap().to_string();
    let (url, setup) = (format!("sqlite://{p}?mode=rwc"), p.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
            sqlx::query("CREATE TABLE recipes (name TEXT)").execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        });
        let _ = setup;
    })
    .join()
    .unwrap();
    let (code, _, err) = run(LIST, &p);
    assert_eq!(code, 1);
    assert!(err.contains("not a moat store"), "{err}");
    let (code, _, err) = run(Command::EvidencePurge { days: None, yes: false }, &p);
    assert_eq!(code, 1, "{err}");
    let tables = std::fs::read(&other).unwrap();
    assert!(!String::from_utf8_lossy(&tables).contains("moat_migrations"), "no moat table was added");

    let junk = d.join("junk.db");
    std::fs::write(&junk, vec![0x5au8; 8192]).unwrap();
    let started = Instant::now();
    let (code, _, err) = run(LIST, junk.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(started.elapsed() < Duration::from_secs(5), "no pool timeout");
    assert!(err.contains("junk.db") && err.contains("not a SQLite database") && !err.contains("mode="), "{err}");
}

#[test]
fn a_store_from_a_newer_moat_is_refused() {
    let d = dir("newer");
    let p = d.join("moat.db").to_str().unwrap().to_string();
    assert_eq!(run(Command::DbMigrate, &p).0, 0);
    let url = format!("sqlite://{p}");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
            sqlx::query("INSERT INTO moat_migrations (version, name, applied_at) VALUES (99, 'future', 0)")
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        });
    })
    .join()
    .unwrap();
    for c in [Command::DbMigrate, LIST] {
        let (code, out, err) = run(c, &p);
        assert_eq!(code, 1, "{out}");
        assert!(err.contains("schema version 99") && err.contains("newer"), "{err}");
        assert!(!out.contains("up to date"));
    }
}

#[test]
fn purge_now_and_forget_one_person() {
    let d = dir("forget");
    let p = d.join("moat.db").to_str().unwrap().to_string();
    let url = p.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = Store::open(&moat_store::backend::normalize(&url)).await.unwrap();
            store.record(&raid(G, 1, T0, 1..4)).await.unwrap();
            store.record(&[flood(G, 2, 9, T0, T0 + MIN)]).await.unwrap();
            store.close().await;
        });
    })
    .join()
    .unwrap();
    let count = |p: &str| -> u64 {
        let url = moat_store::backend::normalize(p);
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let store = Store::open(&url).await.unwrap();
                let n = store.guild(G).unwrap().evidence_count().await.unwrap();
                store.close().await;
                n
            })
        })
        .join()
        .unwrap()
    };
    let before = count(&p);
    assert!(before > 0);
    let (code, out, err) = run(Command::DbForgetUser { user: UserId(9), guild: None }, &p);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("user 9"), "{out}");
    let after = count(&p);
    assert!(after < before, "user 9's evidence is gone ({before} -> {after})");
    let (code, _, err) = run(Command::EvidencePurge { days: Some(0), yes: false }, &p);
    assert_eq!(code, 2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(count(&p), after, "nothing purged unconfirmed");
    let (code, _, err) = run(Command::EvidencePurge { days: Some(0), yes: true }, &p);
    assert_eq!(code, 0, "{err}");
    assert_eq!(count(&p), 0, "--days 0 --yes purges now");
}
