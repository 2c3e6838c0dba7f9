//! An engine action made ready for the store: the engine names accounts and statuses by its
//! own numbers; the store keeps those, and this adds the ids exactly as Mastodon gave them
//! and the server's address as facts, so an incident read back later (`moat incidents
//! show`, the dashboard, an undo) names the accounts as the server's admins know them and
//! knows which server to undo on, without a table of its own.
//!
//! Facts added: `platform` (`mastodon`), `server` (its URL), `account_ids` (the action's
//! accounts in `user_ids` order, space-separated) and `status_ids` (its evidence statuses,
//! each `number=id`: the engine's number and the id as Mastodon gave it, since the store
//! keeps each status apart from its action).

use moat_core::Action;

use super::IdBook;

/// The fact naming the platform of a stored action.
pub const PLATFORM: &str = "platform";
/// The fact naming the server of a stored action.
pub const SERVER: &str = "server";
/// The fact listing the action's accounts as Mastodon names them.
pub const ACCOUNT_IDS: &str = "account_ids";
/// The fact listing the action's evidence statuses, `number=id` each.
pub const STATUS_IDS: &str = "status_ids";

/// `a` with the Mastodon facts added (ids never contain spaces: Mastodon's are alphanumeric).
pub fn for_store(a: &Action, ids: &IdBook, server: &str) -> Action {
    let mut out = a.clone();
    let facts = &mut out.evidence.facts;
    facts.push((PLATFORM.into(), "mastodon".into()));
    facts.push((SERVER.into(), server.trim_end_matches('/').to_string()));
    if !a.user_ids.is_empty() {
        let accounts: Vec<String> = a.user_ids.iter().map(|&u| ids.account_id(u).0).collect();
        facts.push((ACCOUNT_IDS.into(), accounts.join(" ")));
    }
    if !a.evidence.messages.is_empty() {
        let statuses: Vec<String> = a
            .evidence
            .messages
            .iter()
            .map(|m| format!("{}={}", m.message_id.get(), ids.status_id(m.message_id).0))
            .collect();
        facts.push((STATUS_IDS.into(), statuses.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::action::{ActionKind, Detector};
    use moat_core::id::GuildId;

    #[test]
    fn the_store_gets_the_ids_as_mastodon_gave_them() {
        let mut ids = IdBook::default();
        let (a, b) = (ids.user(&crate::model::AccountId::new("9aZ3kQ")), ids.user(&crate::model::AccountId::new("17")));
        let act = Action::new(5, GuildId(1), ActionKind::Silence, Detector::Campaign, "wave".into()).user(a).user(b);
        let stored = for_store(&act, &ids, "https://small.example/");
        let fact = |k: &str| stored.evidence.facts.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
        assert_eq!(fact(PLATFORM).as_deref(), Some("mastodon"));
        assert_eq!(fact(SERVER).as_deref(), Some("https://small.example"));
        assert_eq!(fact(ACCOUNT_IDS).as_deref(), Some("9aZ3kQ 17"));
        assert_eq!(fact(STATUS_IDS), None, "no evidence statuses, no fact");
        assert_eq!(stored.user_ids, act.user_ids, "the engine's ids are kept");
    }
}
