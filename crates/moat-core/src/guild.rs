//! Who is in charge of a guild: its owner and the roles whose holders moderate. moat never
//! punishes them.
//!
//! Roles come with [`GuildKnown`] and are kept current by role events; which roles
//! moderate is the adapter's call (on Discord, their permissions). A message carries its
//! author's roles, so no member list is needed.

use crate::event::{GuildKnown, Role};
use crate::id::{RoleId, UserId};
use crate::idmap::IdMap;

/// What the engine knows about a guild's authority structure.
#[derive(Debug, Clone, Default)]
pub struct GuildInfo {
    pub name: String,
    pub owner_id: UserId,
    /// Role id to whether it makes its holders moderators.
    roles: IdMap<RoleId, bool>,
    /// A role every member holds moderates: everyone is a moderator.
    everyone_moderates: bool,
    pub member_count: u64,
    /// The guild's roles were announced (a `GUILD_CREATE` or its like): moat can tell its
    /// moderators from its members.
    pub known: bool,
}

impl GuildInfo {
    /// Takes in what a guild event says, replacing the roles; the member count is kept
    /// when the event does not carry one.
    pub fn update(&mut self, g: &GuildKnown) {
        self.known = true;
        self.name.clear();
        self.name.push_str(&g.name);
        self.owner_id = g.owner;
        if let Some(n) = g.member_count {
            self.member_count = n;
        }
        self.roles.clear();
        self.everyone_moderates = false;
        for role in &g.roles {
            self.set_role(role);
        }
    }

    /// Records a role created or updated.
    pub fn set_role(&mut self, role: &Role) {
        if role.everyone {
            self.everyone_moderates = role.moderates;
        }
        self.roles.insert(role.id, role.moderates);
    }

    pub fn remove_role(&mut self, role_id: RoleId) {
        self.roles.remove(&role_id);
    }

    /// Whether a member with these roles is the owner or a moderator.
    pub fn is_moderator(&self, user_id: UserId, roles: &[RoleId]) -> bool {
        user_id == self.owner_id
            || self.everyone_moderates
            || roles.iter().any(|r| self.roles.get(r).copied().unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: u64, moderates: bool) -> Role {
        Role { id: RoleId(id), moderates, everyone: id == 100 }
    }

    #[test]
    fn moderators_are_owner_and_holders_of_moderating_roles() {
        let mut g = GuildInfo { owner_id: UserId(1), ..Default::default() };
        g.set_role(&role(100, false));
        g.set_role(&role(5, true));
        g.set_role(&role(6, true));
        g.set_role(&role(7, false));
        assert!(g.is_moderator(UserId(1), &[]));
        assert!(g.is_moderator(UserId(2), &[RoleId(7), RoleId(5)]));
        assert!(g.is_moderator(UserId(2), &[RoleId(6)]));
        assert!(!g.is_moderator(UserId(2), &[RoleId(7)]));
        assert!(!g.is_moderator(UserId(2), &[RoleId(999)]));
        g.remove_role(RoleId(5));
        assert!(!g.is_moderator(UserId(2), &[RoleId(5)]));
        g.set_role(&role(100, true));
        assert!(g.is_moderator(UserId(2), &[]), "a moderating role everyone holds makes everyone a moderator");
    }

    #[test]
    fn a_guild_event_replaces_the_roles_and_keeps_the_member_count_it_lacks() {
        let mut g = GuildInfo::default();
        let known = GuildKnown {
            name: "g".into(),
            owner: UserId(1),
            roles: vec![role(5, true)],
            member_count: Some(40),
            ..Default::default()
        };
        g.update(&known);
        assert!(g.is_moderator(UserId(2), &[RoleId(5)]));
        g.update(&GuildKnown { roles: vec![role(6, true)], member_count: None, ..known });
        assert!(!g.is_moderator(UserId(2), &[RoleId(5)]), "a role the update does not list is gone");
        assert!(g.is_moderator(UserId(2), &[RoleId(6)]));
        assert_eq!((g.name.as_str(), g.member_count), ("g", 40));
    }
}
