//! One guild cannot read another's data, through any API or any command; a departed guild's
//! data goes after the grace period; a guild can export and delete its own.

mod common;

use common::{flood, raid, run, Db, MIN, T0};
use moat_core::id::{GuildId, IncidentId, UserId};
use moat_store::cli::Command;
use moat_store::guilds::DEPARTED_GRACE_MS;
use moat_store::timers::TimerKind;
use moat_store::{Store, StoreError};

const A: GuildId = GuildId(111_111_111_111_111_111);
const B: GuildId = GuildId(222_222_222_222_222_222);
const RAID: IncidentId = IncidentId(9_001);
const SECRET: &str = "FREE NITRO from raider";

/// Guild A: a raid with evidence, settings, strikes, a timer and a pool.
async fn seed_a(store: &Store) {
    store.record(&raid(A, RAID, T0, 1..4)).await.unwrap();
    let a = store.guild(A).unwrap();
    a.set_settings("[pressure]\nlimit = 80.0\n", "mod#1", "slash", T0).await.unwrap();
    a.add_strike(UserId(1), T0, 24 * 60 * MIN).await.unwrap();
    a.create_pool("a's pool", T0).await.unwrap();
}

async fn guilds_cannot_see_each_other(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    seed_a(&store).await;
    let b = store.guild(B).unwrap();
    assert!(b.incidents(100).await.unwrap().is_empty());
    assert!(matches!(b.incident(RAID).await, Err(StoreError::NotFound(_))));
    assert!(matches!(b.export_evidence(RAID, T0).await, Err(StoreError::NotFound(_))));
    assert!(matches!(b.mark_undone(RAID, "mod#2", T0).await, Err(StoreError::NotFound(_))));
    assert_eq!(b.evidence_count().await.unwrap(), 0);
    assert!(b.pending_timers().await.unwrap().is_empty());
    assert_eq!(b.lockdown().await.unwrap(), None);
    assert_eq!(b.settings().await.unwrap(), None);
    assert!(b.settings_history(10).await.unwrap().is_empty());
    assert_eq!(b.strikes(UserId(1), T0, 24 * 60 * MIN).await.unwrap(), 0.0);
    assert!(b.pools().await.unwrap().is_empty());
    assert!(b.pool_bans().await.unwrap().is_empty());
    assert_eq!(b.cancel_timer(TimerKind::EndLockdown, None, T0).await.unwrap(), 0, "B cannot cancel A's lockdown");
    assert!(store.guild(A).unwrap().lockdown().await.unwrap().is_some());
    let export = b.export_all(T0).await.unwrap().to_string();
    assert!(!export.contains(SECRET) && !export.contains("limit = 80"), "{export}");
    // A still sees its own.
    assert_eq!(store.guild(A).unwrap().evidence_count().await.unwrap(), 3);
    store.close().await;

    // The commands, scoped with --guild, show B nothing of A's.
    let d = db.url.as_str();
    let (code, out, _) = run(Command::IncidentsList { guild: Some(B), json: true, limit: 50 }, d);
    assert_eq!((code, out.trim()), (0, "[]"));
    let (code, _, err) = run(Command::IncidentsShow { id: RAID, guild: Some(B), json: false }, d);
    assert_eq!(code, 1);
    assert!(err.contains("not found: incident 9001 in guild 222222222222222222"), "{err}");
    let (code, out, err) = run(Command::EvidenceExport { incident: RAID, guild: Some(B) }, d);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains(SECRET) && err.contains("not found"), "{err}");
    let (code, out, _) = run(Command::DbExport { guild: B }, d);
    assert_eq!(code, 0);
    assert!(!out.contains(SECRET), "{out}");
    // ... and A its own.
    let (code, out, _) = run(Command::EvidenceExport { incident: RAID, guild: Some(A) }, d);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "moat-evidence/1");
    assert_eq!(v["messages"].as_array().unwrap().len(), 3);
    assert!(v["messages"][0]["content"].as_str().unwrap().starts_with(SECRET));
}
both!(guilds_cannot_see_each_other);

async fn pools_are_opt_in(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    let (a, b, c) = (store.guild(A).unwrap(), store.guild(B).unwrap(), store.guild(GuildId(3)).unwrap());
    let pool = a.create_pool("anti-raid league", T0).await.unwrap();
    assert!(matches!(b.join_pool(pool, T0).await, Err(StoreError::NotFound(_))), "no invitation, no entry");
    assert!(
        matches!(b.invite_to_pool(pool, GuildId(3), T0).await, Err(StoreError::NotFound(_))),
        "only the owner invites"
    );
    a.invite_to_pool(pool, B, T0).await.unwrap();
    b.join_pool(pool, T0).await.unwrap();
    assert_eq!(a.share_ban(UserId(666), "confirmed scammer", RAID, T0).await.unwrap(), 1);
    let seen = b.pool_bans().await.unwrap();
    assert_eq!(seen.iter().map(|p| (p.user_id, p.source_guild)).collect::<Vec<_>>(), [(UserId(666), A)]);
    assert!(c.pool_bans().await.unwrap().is_empty(), "a guild outside the pool sees nothing");
    assert!(c.pools().await.unwrap().is_empty());
    assert_eq!(b.pools().await.unwrap()[0].members, 2);
    b.leave_pool(pool).await.unwrap();
    assert!(b.pool_bans().await.unwrap().is_empty(), "leaving stops sharing at once");
    store.close().await;
}
both!(pools_are_opt_in);

async fn departed_guilds_are_deleted_after_grace(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    seed_a(&store).await;
    store.record(&[flood(B, 77, 5, T0, T0 + MIN)]).await.unwrap();
    store.guild_left(A, T0).await.unwrap();
    assert!(
        store.purge_departed(T0 + DEPARTED_GRACE_MS - 1, DEPARTED_GRACE_MS).await.unwrap().is_empty(),
        "grace period"
    );
    // Came back, left again later.
    store.guild_joined(A, T0 + MIN).await.unwrap();
    assert!(store.purge_departed(T0 + 2 * DEPARTED_GRACE_MS, DEPARTED_GRACE_MS).await.unwrap().is_empty());
    store.guild_left(A, T0 + 2 * MIN).await.unwrap();
    assert_eq!(store.purge_departed(T0 + 2 * MIN + DEPARTED_GRACE_MS + 1, DEPARTED_GRACE_MS).await.unwrap(), [A]);
    let a = store.guild(A).unwrap();
    assert!(a.incidents(10).await.unwrap().is_empty());
    assert_eq!(a.evidence_count().await.unwrap(), 0);
    assert_eq!(a.settings().await.unwrap(), None);
    assert!(a.pending_timers().await.unwrap().is_empty());
    assert_eq!(a.strikes(UserId(1), T0, MIN).await.unwrap(), 0.0);
    assert_eq!(store.guild_ids().await.unwrap(), [B], "B is untouched");
    assert_eq!(store.guild(B).unwrap().incidents(10).await.unwrap().len(), 1);
    store.close().await;

    // A guild's own request: export, then delete, by command.
    let d = db.url.as_str();
    let (code, out, _) = run(Command::DbExport { guild: B }, d);
    assert_eq!(code, 0);
    assert!(out.contains("spam spam spam"));
    let (code, _, err) = run(Command::DbDeleteGuild { guild: B, yes: false }, d);
    assert_eq!(code, 2, "deletion needs --yes");
    assert!(err.contains("--yes"));
    let (code, out, _) = run(Command::DbDeleteGuild { guild: B, yes: true }, d);
    assert_eq!(code, 0, "{out}");
    let (_, out, _) = run(Command::IncidentsList { guild: None, json: true, limit: 50 }, d);
    assert_eq!(out.trim(), "[]");
}
both!(departed_guilds_are_deleted_after_grace);
