//! What the engine keeps about one fediverse server: its accounts as the fediverse
//! detectors see them, recent statuses' participants (so a reply's mentions are known to be
//! the thread's), and the campaign, sign-up and wave watches.
//!
//! Only what the detectors need is kept: a few recent posts of new accounts (the evidence a
//! containment carries), contacts capped per account, and statuses' participants for a few
//! hours. The sweep forgets accounts idle for a day unless they are contained or vetted.

use crate::action::{EvidenceMessage, Millis};
use crate::detect::fedi_cluster::ClusterWatch;
use crate::detect::fedi_mentions::{Contacts, StrangerWindow};
use crate::detect::fedi_profile::Profile;
use crate::detect::fedi_signup::SignUpWatch;
use crate::detect::fedi_wave::WaveWatch;
use crate::id::{IncidentId, MessageId, UserId};
use crate::idmap::IdMap;
use crate::time::{DAY, HOUR};

/// Recent posts kept per new account, for evidence.
pub(super) const POSTS_KEPT: usize = 3;
/// How long a status's participants are remembered for the replies to it.
const THREAD_KEEP: Millis = 6 * HOUR;
/// An account with nothing pending is forgotten after this long without activity.
const USER_IDLE: Millis = DAY;

/// One account.
#[derive(Debug, Clone, Default)]
pub(crate) struct FediUser {
    pub profile: Profile,
    /// Known from a sign-up (`created` is then exact, not the day).
    pub signed_up: bool,
    pub local: bool,
    pub pending: bool,
    pub staff: bool,
    /// An admin undid moat's action on it: never acted on again.
    pub vetted: bool,
    /// Contained (by moat or an admin).
    pub contained: bool,
    pub incident: Option<IncidentId>,
    /// Its sign-up network (CIDR) and key.
    pub network: Option<(String, u64)>,
    /// Its sign-up mail domain and key, when no big provider.
    pub domain: Option<(String, u64)>,
    pub contacts: Contacts,
    pub strangers: StrangerWindow,
    pub posts: Vec<EvidenceMessage>,
    pub last_seen: Millis,
}

/// A status's participants: its author and the accounts it mentions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Thread {
    pub ts: Millis,
    pub participants: Vec<UserId>,
}

/// Everything the engine keeps about one fediverse server.
#[derive(Debug, Clone, Default)]
pub(crate) struct FediServer {
    pub users: IdMap<UserId, FediUser>,
    pub threads: IdMap<MessageId, Thread>,
    pub clusters: ClusterWatch,
    pub signups: SignUpWatch,
    pub wave: WaveWatch,
    /// The current episode: its incident and when it last acted, so that one wave's
    /// containments share one incident.
    pub episode: Option<(IncidentId, Millis)>,
}

impl FediServer {
    pub fn sweep(&mut self, now: Millis, s: &crate::detect::fedi_settings::FediSettings) {
        self.users.retain(|_, u| u.contained || u.vetted || now.saturating_sub(u.last_seen) < USER_IDLE);
        self.threads.retain(|_, t| now.saturating_sub(t.ts) < THREAD_KEEP);
        self.clusters.sweep(now, s.cluster_window);
        self.signups.sweep(now, s.signup_window);
    }

    /// Rough heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.users.capacity() * (8 + std::mem::size_of::<FediUser>())
            + self.threads.capacity() * (8 + std::mem::size_of::<Thread>())
    }
}
