//! Judging a fediverse server's events: sign-ups, statuses, reports (see [`crate::fedi`]).
//!
//! A status is judged by two detectors. `mentions`: a new account reaching strangers (see
//! [`fedi_mentions`](crate::detect::fedi_mentions)) in numbers no newcomer does, in one post or
//! across its recent posts. `campaign`: new accounts sharing an image, a link, a text or a
//! bursting sign-up network or mail domain, in posts that each reach strangers
//! ([`fedi_cluster`](crate::detect::fedi_cluster)). Accounts contained within minutes of each
//! other make a wave ([`fedi_wave`](crate::detect::fedi_wave)): the server's lockdown, with
//! one alert, and pending sign-ups from the wave's networks rejected. Established accounts,
//! staff, and accounts an admin vetted are never contained; nothing here fires on a post
//! that mentions nobody.

use crate::action::{incident_id, Action, ActionKind, Detector, Evidence, EvidenceMessage, Millis};
use crate::detect::fedi_cluster::{Campaign, KeyKind, Use};
use crate::detect::fedi_mentions::strangers;
use crate::detect::fedi_profile::Profile;
use crate::detect::fedi_settings::FediSettings;
use crate::detect::fedi_signup::{is_big_mail_provider, key, network_of};
use crate::detect::fedi_wave::{Contained, WaveStep};
use crate::event::{AccountChange, FediAccount, FediReport, FediStatus};
use crate::evidence::{cut, CONTENT_MAX};
use crate::id::{ChannelId, GuildId, UserId};

use super::fedi_state::{FediServer, FediUser, Thread, POSTS_KEPT};
use super::Engine;

/// Key kinds, as hash bases.
const K_IMAGE: u64 = 1;
const K_DESCRIBED: u64 = 2;
const K_LINK: u64 = 3;
const K_TEXT: u64 = 4;
const K_NETWORK: u64 = 5;
const K_DOMAIN: u64 = 6;
const K_HOST: u64 = 7;
/// Letters a text needs to be a campaign's key.
const TEXT_KEY_MIN: u32 = 12;

/// Why an account is to be contained.
struct Verdict {
    detector: Detector,
    reason: String,
    facts: Vec<(String, String)>,
    /// Suspend rather than silence.
    suspend: bool,
}

impl Engine {
    pub(super) fn on_fedi_account(&mut self, now: Millis, a: &FediAccount, out: &mut Vec<Action>) {
        let s = self.fedi_settings.clone();
        let srv = self.fedi.entry(a.guild).or_default();
        let u = srv.users.entry(a.user).or_default();
        u.profile = Profile::new(a.created, a.default_avatar, a.empty_note, &a.username, &a.display_name);
        u.signed_up |= a.local;
        u.local = a.local;
        u.pending = a.pending;
        u.staff = a.staff;
        u.last_seen = now;
        match a.change {
            AccountChange::Approved => u.pending = false,
            AccountChange::Updated => {
                if u.contained && !a.restricted && u.incident.is_some() {
                    // An admin undid the containment: their call stands.
                    u.vetted = true;
                    u.contained = false;
                }
                u.contained |= a.restricted;
            }
            AccountChange::Created => {}
        }
        if a.change != AccountChange::Created {
            return;
        }
        let network = a.ip.map(network_of).map(|n| {
            let k = key(K_NETWORK, &n);
            (n, k)
        });
        let domain =
            a.email_domain.as_deref().filter(|d| !is_big_mail_provider(d)).map(|d| (d.to_string(), key(K_DOMAIN, d)));
        u.network = network.clone();
        u.domain = domain.clone();
        let (pending, weak, staff) = (u.pending, u.profile.weak_points(), u.staff);
        let seen = srv.signups.on_signup(&s, now, network.as_ref().map(|n| n.1), domain.as_ref().map(|d| d.1));
        if let Some((n, rate)) = seen.surge {
            out.push(Action::new(
                now,
                a.guild,
                ActionKind::Alert,
                Detector::Raid,
                format!("sign-up surge: {n} in the last hour, usually about {rate:.1} an hour; nobody acted on for it"),
            ));
        }
        let from_wave = srv.wave.holds(network.as_ref().map(|n| n.0.as_str()), domain.as_ref().map(|d| d.0.as_str()));
        if pending && from_wave && weak >= s.weak_points && !staff {
            let what = if domain.as_ref().is_some_and(|d| srv.wave.holds(None, Some(&d.0))) {
                "mail domain"
            } else {
                "network"
            };
            let v = Verdict {
                detector: Detector::Raid,
                reason: format!(
                    "wave: a pending sign-up from the wave's {what}, {}",
                    srv.users[&a.user].profile.describe(now)
                ),
                facts: vec![("signup_from".into(), what.into())],
                suspend: false,
            };
            self.fedi_contain(a.guild, now, a.user, None, v, out);
        }
    }

    pub(super) fn on_fedi_status(&mut self, now: Millis, st: &FediStatus, out: &mut Vec<Action>) {
        let s = self.fedi_settings.clone();
        let gid = st.guild;
        let a = &st.author;
        let srv = self.fedi.entry(gid).or_default();
        let thread: Vec<UserId> = st
            .reply_to
            .and_then(|r| srv.threads.get(&r))
            .map(|t| t.participants.clone())
            .unwrap_or_default()
            .into_iter()
            .chain(st.reply_to_author)
            .collect();
        if !st.edit {
            let mut participants = vec![a.user];
            participants.extend(st.mentions.iter().copied());
            srv.threads.insert(st.id, Thread { ts: now, participants });
        }
        let u = srv.users.entry(a.user).or_default();
        if !u.signed_up {
            u.profile = Profile::new(a.created, a.default_avatar, a.empty_note, &a.username, &a.display_name);
            u.local = a.local;
        } else {
            // The sign-up's creation time is exact; the status's is the day only.
            u.profile = Profile {
                created: u.profile.created,
                ..Profile::new(0, a.default_avatar, a.empty_note, &a.username, &a.display_name)
            };
        }
        u.last_seen = now;
        let new = u.profile.younger_than(now, s.new_account);
        if new {
            if u.posts.len() >= POSTS_KEPT {
                u.posts.remove(0);
            }
            u.posts.push(EvidenceMessage {
                message_id: st.id,
                channel_id: ChannelId(0),
                author_id: a.user,
                ts: now,
                content: cut(&st.text, CONTENT_MAX).to_string(),
                attachment_urls: Vec::new(),
            });
        }
        let judged = new && !u.staff && !u.vetted && !u.contained;
        let strangers_now = strangers(a.user, &st.mentions, &thread, &u.contacts);
        let window = if st.edit { 0 } else { u.strangers.add(now, s.mention_window, &strangers_now) };
        let verdict =
            if judged { mass_mention(&s, u, now, strangers_now.len(), window, st.reply_to.is_some()) } else { None };
        let loud = strangers_now.len() >= s.loud_strangers;
        let keys = if judged && !st.edit { keys_of(srv, st, now, &s, self.judge.as_ref()) } else { Vec::new() };
        // Those this post reaches now know its author.
        for &m in st.mentions.iter().chain(st.reply_to_author.iter()) {
            if m != a.user {
                let target = srv.users.entry(m).or_default();
                target.contacts.add(a.user);
                // Their contacts are worth keeping as long as an active account's state.
                target.last_seen = target.last_seen.max(now);
            }
        }
        if let Some(v) = verdict {
            self.fedi_contain(gid, now, a.user, Some(st.id), v, out);
        }
        if keys.is_empty() {
            return;
        }
        let post = Use { ts: now, user: a.user, status: st.id, loud };
        let srv = self.fedi.entry(gid).or_default();
        let Some(c) = srv.clusters.observe(now, s.cluster_window, post, &keys) else { return };
        self.fedi_campaign(gid, now, c, out);
    }

    pub(super) fn on_fedi_report(&mut self, now: Millis, r: &FediReport, out: &mut Vec<Action>) {
        let s = &self.fedi_settings;
        let srv = self.fedi.entry(r.guild).or_default();
        let Some(u) = srv.users.get(&r.target) else { return };
        if !r.spam || u.contained || u.vetted || u.staff || !u.profile.younger_than(now, s.new_account) {
            return;
        }
        let reason = format!("reported as spam; {}", u.profile.describe(now));
        let mut a =
            Action::new(now, r.guild, ActionKind::Flag, Detector::Campaign, reason).user(r.target).evidence(Evidence {
                messages: u.posts.clone(),
                facts: vec![("reported_by".into(), r.reporter.to_string())],
            });
        a.message_id = r.statuses.first().copied();
        a.incident = Some(incident_id(r.guild, Detector::Campaign, now, r.target));
        out.push(a);
    }

    /// Contains every account of a campaign not contained yet.
    fn fedi_campaign(&mut self, gid: GuildId, now: Millis, c: Campaign, out: &mut Vec<Action>) {
        let s = &self.fedi_settings;
        let mins = s.cluster_window / 60_000;
        for u in c.uses.iter().rev() {
            let srv = self.fedi.entry(gid).or_default();
            let Some(user) = srv.users.get(&u.user) else { continue };
            if user.contained || user.vetted || user.staff {
                continue;
            }
            let reason = format!(
                "campaign: the same {} in posts mentioning strangers from {} new accounts within {mins} min; {}",
                c.kind.as_str(),
                c.accounts,
                user.profile.describe(now)
            );
            let facts = vec![("shared".into(), c.kind.as_str().into()), ("accounts".into(), c.accounts.to_string())];
            let v = Verdict { detector: Detector::Campaign, reason, facts, suspend: true };
            self.fedi_contain(gid, now, u.user, Some(u.status), v, out);
        }
    }
}

/// The `mentions` verdict on one post, if it is a new account's mass mention.
fn mass_mention(
    s: &FediSettings,
    u: &FediUser,
    now: Millis,
    here: usize,
    window: usize,
    reply: bool,
) -> Option<Verdict> {
    let weak = u.profile.weak_points() >= s.weak_points;
    let fresh = u.profile.younger_than(now, s.fresh_account);
    let one_post = if reply {
        here >= s.reply_strangers && (weak || fresh)
    } else {
        (here >= s.post_strangers && weak) || (here >= s.post_strangers_alone && fresh)
    };
    let across = window >= s.window_strangers && weak;
    if !one_post && !across {
        return None;
    }
    let what = if one_post {
        format!("{here} accounts that never interacted with them in one post")
    } else {
        format!("{window} accounts that never interacted with them within {} min", s.mention_window / 60_000)
    };
    let reason = format!("mentions: {what}; {}", u.profile.describe(now));
    let facts =
        vec![("strangers_in_post".into(), here.to_string()), ("strangers_in_window".into(), window.to_string())];
    Some(Verdict { detector: Detector::Mentions, reason, facts, suspend: false })
}

/// The campaign keys of a loud post: its images, links and text, and its author's sign-up
/// network and mail domain when they burst.
fn keys_of(
    srv: &FediServer,
    st: &FediStatus,
    now: Millis,
    s: &FediSettings,
    judge: &dyn crate::links::LinkJudge,
) -> Vec<(KeyKind, u64, usize)> {
    let min = s.cluster_accounts;
    let mut keys = Vec::new();
    for m in &st.media {
        if m.blurhash != 0 {
            keys.push((KeyKind::Image, key(K_IMAGE, &m.blurhash.to_string()), min));
        }
        if m.described != 0 {
            keys.push((KeyKind::Image, key(K_DESCRIBED, &m.described.to_string()), min));
        }
    }
    for l in &st.links {
        let l = l.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
        let l = l.to_ascii_lowercase();
        keys.push((KeyKind::Link, key(K_LINK, &l), min));
        // The site too, unless the judge trusts it (popular sites are linked by crowds): a
        // script rotating invite codes or paths still links one host.
        let host = l.split(['/', '?', '#']).next().unwrap_or("").trim_start_matches("www.");
        if !host.is_empty() && host != l && !judge.trusted_link(st.guild.get(), &l) {
            keys.push((KeyKind::Link, key(K_HOST, host), min));
        }
    }
    let words: String =
        st.text.split_whitespace().filter(|w| !w.starts_with('@') && !w.contains("://")).collect::<Vec<_>>().join(" ");
    let fp = crate::text::fingerprint(&words);
    if fp.len >= TEXT_KEY_MIN {
        keys.push((KeyKind::Text, key(K_TEXT, &fp.hash.to_string()), min));
    }
    // A network or a mail domain is weaker evidence than an image: a university's newcomers
    // share one, and some of them thank the friends who invited them. So it takes twice the
    // accounts, and half of all the sign-ups it had in the window posting loudly.
    if let Some(u) = srv.users.get(&st.author.user) {
        let signup_keys =
            [(false, KeyKind::Network, u.network.as_ref()), (true, KeyKind::EmailDomain, u.domain.as_ref())];
        for (domain, kind, k) in signup_keys {
            let Some((_, k)) = k else { continue };
            let signups = srv.signups.recent(domain, *k, now, s.signup_window);
            if signups >= s.signup_burst {
                keys.push((kind, *k, (2 * min).max(signups.div_ceil(2))));
            }
        }
    }
    keys
}

impl Engine {
    /// Contains one account: rejects a pending sign-up, suspends or silences the rest; then
    /// tells the wave watch, which may start or grow a wave.
    fn fedi_contain(
        &mut self,
        gid: GuildId,
        now: Millis,
        user: UserId,
        status: Option<crate::id::MessageId>,
        v: Verdict,
        out: &mut Vec<Action>,
    ) {
        let s = self.fedi_settings.clone();
        let srv = self.fedi.entry(gid).or_default();
        let incident = match srv.episode {
            Some((i, last)) if now.saturating_sub(last) < s.wave_window => i,
            _ => incident_id(gid, v.detector, now, user),
        };
        srv.episode = Some((incident, now));
        let u = srv.users.entry(user).or_default();
        u.contained = true;
        u.incident = Some(incident);
        let kind = if u.pending {
            ActionKind::Kick
        } else if v.suspend {
            ActionKind::Ban
        } else {
            ActionKind::Silence
        };
        let mut facts = v.facts;
        facts.push(("profile".into(), u.profile.describe(now)));
        let mut a = Action::new(now, gid, kind, v.detector, v.reason)
            .user(user)
            .evidence(Evidence { messages: u.posts.clone(), facts })
            .incident(incident);
        a.message_id = status;
        out.push(a);
        let contained = Contained {
            ts: now,
            user,
            network: u.network.as_ref().map(|n| n.0.clone()),
            domain: u.domain.as_ref().map(|d| d.0.clone()),
        };
        let step = srv.wave.on_contained(&s, contained, incident);
        let (networks, domains, started) = match step {
            WaveStep::Started { networks, domains } => (networks, domains, true),
            WaveStep::Grew { networks, domains } => (networks, domains, false),
            WaveStep::Quiet | WaveStep::Member => return,
        };
        if !self.fedi_raiding.contains(&gid) {
            self.fedi_raiding.push(gid);
        }
        let Some(w) = &self.fedi.get(&gid).and_then(|s| s.wave.wave.clone()) else { return };
        if !networks.is_empty() || !domains.is_empty() {
            let reason = format!(
                "wave: new sign-ups from {} network(s) need approval and {} mail domain(s) are blocked while it lasts",
                networks.len(),
                domains.len()
            );
            let ev = Evidence::default()
                .fact("networks", networks.join(" "))
                .fact("email_domains", domains.join(" "))
                .fact("expires_in_s", s.ip_block_for / 1000);
            out.push(
                Action::new(now, gid, ActionKind::Lockdown, Detector::Raid, reason).evidence(ev).incident(w.incident),
            );
        }
        if started {
            let reason = format!(
                "wave: {} new accounts contained within {} min (silenced or suspended); sign-ups from its networks need approval",
                w.members.len(),
                now.saturating_sub(w.since) / 60_000 + 1
            );
            let ev = Evidence::default()
                .fact("accounts", w.members.len())
                .fact("networks", w.networks.len())
                .fact("email_domains", w.domains.len());
            out.push(
                Action::new(now, gid, ActionKind::Alert, Detector::Raid, reason).evidence(ev).incident(w.incident),
            );
        }
    }

    /// Ends the waves that have gone quiet by `now`: the mail domain blocks are lifted (IP
    /// blocks expire by themselves).
    pub(super) fn fedi_advance(&mut self, now: Millis, out: &mut Vec<Action>) {
        let s = &self.fedi_settings;
        let mut still = Vec::new();
        for gid in std::mem::take(&mut self.fedi_raiding) {
            let Some(srv) = self.fedi.get_mut(&gid) else { continue };
            let Some(w) = srv.wave.end_if_due(s, now) else {
                still.push(gid);
                continue;
            };
            let at = w.last_hit + s.wave_quiet;
            let reason = format!(
                "wave over: quiet for {} min after {} accounts contained; mail domain blocks lifted",
                s.wave_quiet / 60_000,
                w.members.len()
            );
            let ev =
                Evidence::default().fact("email_domains", w.domains.join(" ")).fact("networks", w.networks.join(" "));
            out.push(
                Action::new(at.max(w.last_hit), gid, ActionKind::Unlock, Detector::Raid, reason)
                    .evidence(ev)
                    .incident(w.incident),
            );
        }
        self.fedi_raiding = still;
    }

    /// When the next fediverse wave would end.
    pub(super) fn fedi_deadline(&self) -> Option<Millis> {
        self.fedi_raiding.iter().filter_map(|g| self.fedi.get(g)?.wave.deadline(&self.fedi_settings)).min()
    }

    pub(super) fn fedi_sweep(&mut self, now: Millis) {
        for srv in self.fedi.values_mut() {
            srv.sweep(now, &self.fedi_settings);
        }
    }
}

#[cfg(test)]
#[path = "fedi_tests.rs"]
mod tests;
