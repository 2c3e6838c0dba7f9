//! The cluster's scraper flags, for the guilds this process holds, made into the engine's
//! own flag actions: the executor posts them to each guild's moderators like any other.
//!
//! A flag names the user and says how many protected servers it joined, never which.

use std::sync::Arc;
use std::time::Instant;

use moat_cluster::signals::GuildFlag;
use moat_core::action::{incident_id, Detector};
use moat_core::id::{GuildId, UserId};
use moat_core::{Action, ActionKind, Evidence};
use tokio::sync::mpsc::{Receiver, WeakUnboundedSender};

use crate::exec::Job;
use crate::shared::Shared;

/// The action a flag becomes in its guild.
pub fn action_of(f: &GuildFlag) -> Action {
    let (guild, user) = (GuildId(f.guild), UserId(f.user));
    Action::new(f.at_ms, guild, ActionKind::Flag, Detector::Scraper, f.reason.clone())
        .user(user)
        .evidence(Evidence::default().fact("seen_by", "the cluster's cross-guild watch"))
        .incident(incident_id(guild, Detector::Scraper, f.at_ms, user))
}

/// Hands each flag to the executor until either side ends.
pub async fn deliver(mut rx: Receiver<GuildFlag>, jobs: WeakUnboundedSender<Job>, shared: Arc<Shared>) {
    while let Some(f) = rx.recv().await {
        let Some(tx) = jobs.upgrade() else { return };
        let a = action_of(&f);
        shared.actions.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        shared.emit(crate::shared::Feed::Action(a.clone()));
        shared.begin();
        if tx.send(Job::Actions { actions: vec![a], received: Instant::now() }).is_err() {
            shared.end();
            return;
        }
    }
}
