//! Shard leases against a real NATS: sharing, failover after a missed renewal, a clean
//! hand-over without waiting for expiry, rebalancing on scale, sessions kept for resume.

mod common;

use std::time::Duration;

use common::*;
use moat_cluster::lease::{plan::ShardPlan, LeaseKeeper, LeaseSpec};
use moat_cluster::session::Sessions;

const SPEC: LeaseSpec = LeaseSpec { kind: "leases", units: 16 };

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_members_share_then_survive_a_kill_and_a_clean_stop() {
    let Some(url) = nats_or_skip("three_members_share") else { return };
    let s = settings(3);
    let (a, b, c) = (member(&url, &s, "a").await, member(&url, &s, "b").await, member(&url, &s, "c").await);
    let ka = LeaseKeeper::start(&a, SPEC).await.unwrap();
    let kb = LeaseKeeper::start(&b, SPEC).await.unwrap();
    let kc = LeaseKeeper::start(&c, SPEC).await.unwrap();
    let rx = [ka.ownership(), kb.ownership(), kc.ownership()];
    // The members split 16 groups 6/5/5 (the remainder to the first names): within 4 to 6 while settling.
    let now =
        until(Duration::from_secs(20), &rx, |o| partition(o, 16) && o.iter().all(|x| (4..=6).contains(&x.held.len())))
            .await;
    assert!(partition(&now, 16), "16 groups split between 3 members: {now:?}");
    assert!(now.iter().all(|x| (4..=6).contains(&x.held.len())), "fair shares: {now:?}");

    // `c` stops renewing, as a killed process would: its groups expire and are taken.
    let taken_from_c = now[2].held.clone();
    kc.abort();
    let two = until(Duration::from_secs(12), &rx[..2], |o| partition(o, 16)).await;
    assert!(partition(&two, 16), "a and b hold everything after c's leases expire: {two:?}");
    assert!(taken_from_c.iter().all(|u| two[0].held.contains(u) || two[1].held.contains(u)));

    // `b` stops cleanly: `a` has everything well before a lease could expire.
    let s = s.clone();
    let stopped = tokio::time::Instant::now();
    kb.stop().await;
    let one = until(Duration::from_secs(2), &rx[..1], |o| o[0].held.len() == 16).await;
    assert_eq!(one[0].held.len(), 16, "a clean stop hands over at once");
    assert!(stopped.elapsed() < Duration::from_secs(u64::from(s.lease_secs)));
    ka.stop().await;
    a.remove_all().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_member_gets_its_share_and_sessions_are_kept() {
    let Some(url) = nats_or_skip("rebalance") else { return };
    let s = settings(2);
    let (a, b) = (member(&url, &s, "a").await, member(&url, &s, "b").await);
    let plan = ShardPlan::new(16, 4);
    let spec = LeaseSpec { kind: "leases", units: plan.groups() };
    let ka = LeaseKeeper::start(&a, spec).await.unwrap();
    let alone = until(Duration::from_secs(10), &[ka.ownership()], |o| o[0].held.len() == 4).await;
    assert_eq!(plan.shards_in(&alone[0].held).len(), 16, "one member holds every shard");
    let kb = LeaseKeeper::start(&b, spec).await.unwrap();
    let rx = [ka.ownership(), kb.ownership()];
    let two = until(Duration::from_secs(10), &rx, |o| partition(o, 4) && o.iter().all(|x| x.held.len() == 2)).await;
    assert!(two.iter().all(|x| x.held.len() == 2), "scaling up rebalances: {two:?}");

    let sa = Sessions::open(&a).await.unwrap();
    sa.save(7, "sess-7", 42, "wss://resume.example/").await.unwrap();
    let sb = Sessions::open(&b).await.unwrap();
    let got = sb.load(7).await.unwrap().expect("saved session");
    assert_eq!(
        (got.session_id.as_str(), got.sequence, got.resume_url.as_str()),
        ("sess-7", 42, "wss://resume.example/")
    );
    assert_eq!(got.member, "a");
    sb.forget(7).await.unwrap();
    assert!(sb.load(7).await.unwrap().is_none());
    assert!(sb.load(8).await.unwrap().is_none());
    ka.stop().await;
    kb.stop().await;
    a.remove_all().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_nats_is_named() {
    let s = settings(3);
    let e = moat_cluster::Cluster::connect("nats://127.0.0.1:1", &s, None).await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("cannot reach NATS at nats://127.0.0.1:1"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_shows_members_their_groups_and_lease_ages() {
    let Some(url) = nats_or_skip("cluster status") else { return };
    let s = settings(3);
    let a = member(&url, &s, "alpha").await;
    let ka = LeaseKeeper::start(&a, LeaseSpec { kind: "leases", units: 4 }).await.unwrap();
    until(Duration::from_secs(10), &[ka.ownership()], |o| o[0].held.len() == 4).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let st = moat_cluster::status::read(&a, 4).await.unwrap();
    assert_eq!(st.leases.iter().filter(|l| l.member == "alpha").count(), 4, "{st:?}");
    let text = st.to_string();
    assert!(text.contains("alpha: shard groups [0, 1, 2, 3]"), "{text}");
    assert!(text.contains("shard group 2: alpha for"), "{text}");
    ka.stop().await;
    a.remove_all().await.unwrap();
}
