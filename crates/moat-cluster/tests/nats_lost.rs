//! NATS lost while running: a member keeps its units while its lease is still valid, then
//! reports them alerts-only (another member may hold them now), and claims them again when
//! NATS is back. NATS is "lost" by cutting a proxy in front of it.

mod common;

use std::time::Duration;

use common::{member, nats_or_skip, settings, until, Proxy};
use moat_cluster::lease::{LeaseKeeper, LeaseSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_without_nats_keeps_then_alerts_then_rejoins() {
    let Some(url) = nats_or_skip("nats_lost") else { return };
    let proxy = Proxy::start(url.trim_start_matches("nats://")).await;
    let s = settings(3);
    let c = member(&proxy.url(), &s, "solo").await;
    let keeper = LeaseKeeper::start(&c, LeaseSpec { kind: "leases", units: 4 }).await.expect("keeper");
    let rx = [keeper.ownership()];
    let o = until(Duration::from_secs(30), &rx, |o| o[0].held.len() == 4).await;
    assert_eq!(o[0].held.len(), 4, "alone, it holds every unit: {o:?}");

    proxy.cut();
    let right_after = rx[0].borrow().clone();
    assert_eq!(right_after.held.len(), 4, "the lease is still valid: it keeps protecting");
    let o = until(Duration::from_secs(30), &rx, |o| o[0].held.is_empty() && o[0].alerts_only.len() == 4).await;
    assert!(o[0].held.is_empty() && o[0].alerts_only.len() == 4, "past the lease: alerts only on all: {o:?}");

    proxy.restore();
    let o = until(Duration::from_secs(60), &rx, |o| o[0].held.len() == 4 && o[0].alerts_only.is_empty()).await;
    assert!(o[0].held.len() == 4 && o[0].alerts_only.is_empty(), "NATS back: it claims its share again: {o:?}");
    keeper.stop().await;
    let _ = c.remove_all().await;
}
