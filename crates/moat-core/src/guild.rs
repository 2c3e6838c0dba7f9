//! Who is in charge of a guild: its owner and the roles whose permissions make their
//! holders moderators. moat never punishes them.
//!
//! Roles come from `GUILD_CREATE` and are kept current by `GUILD_ROLE_*` events; a message
//! carries its author's roles, so no member list is needed.

use crate::idmap::IdMap;

use twilight_model::guild::{Guild, Permissions, Role};

/// Holding any of these makes a member a moderator in moat's eyes.
pub const MODERATOR_PERMISSIONS: Permissions = Permissions::ADMINISTRATOR
    .union(Permissions::MANAGE_MESSAGES)
    .union(Permissions::BAN_MEMBERS)
    .union(Permissions::MODERATE_MEMBERS);

/// What the engine knows about a guild's authority structure.
#[derive(Debug, Clone, Default)]
pub struct GuildInfo {
    pub name: String,
    pub owner_id: u64,
    /// Role id to whether it grants moderator permissions.
    roles: IdMap<bool>,
    /// The `@everyone` role (same id as the guild) grants them: everyone is a moderator.
    everyone_moderates: bool,
    pub member_count: u64,
}

impl GuildInfo {
    pub fn from_guild(g: &Guild) -> Self {
        let mut info = GuildInfo {
            name: g.name.clone(),
            owner_id: g.owner_id.get(),
            member_count: g.member_count.unwrap_or(0),
            ..Default::default()
        };
        for role in &g.roles {
            info.set_role(g.id.get(), role);
        }
        info
    }

    /// Records a role created or updated.
    pub fn set_role(&mut self, guild_id: u64, role: &Role) {
        let moderates = role.permissions.intersects(MODERATOR_PERMISSIONS);
        if role.id.get() == guild_id {
            self.everyone_moderates = moderates;
        }
        self.roles.insert(role.id.get(), moderates);
    }

    pub fn remove_role(&mut self, role_id: u64) {
        self.roles.remove(&role_id);
    }

    /// Whether a member with these roles is the owner or a moderator.
    pub fn is_moderator(&self, user_id: u64, roles: &[u64]) -> bool {
        user_id == self.owner_id
            || self.everyone_moderates
            || roles.iter().any(|r| self.roles.get(r).copied().unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: u64, perms: Permissions) -> Role {
        serde_json::from_value(serde_json::json!({
            "id": id.to_string(), "name": "r", "color": 0, "hoist": false, "managed": false,
            "mentionable": false, "position": 1, "permissions": perms.bits().to_string(),
            "flags": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}
        }))
        .unwrap()
    }

    #[test]
    fn moderators_are_owner_and_holders_of_moderation_permissions() {
        let mut g = GuildInfo { owner_id: 1, ..Default::default() };
        g.set_role(100, &role(100, Permissions::SEND_MESSAGES));
        g.set_role(100, &role(5, Permissions::SEND_MESSAGES | Permissions::MODERATE_MEMBERS));
        g.set_role(100, &role(6, Permissions::ADMINISTRATOR));
        g.set_role(100, &role(7, Permissions::SEND_MESSAGES | Permissions::MENTION_EVERYONE));
        assert!(g.is_moderator(1, &[]));
        assert!(g.is_moderator(2, &[7, 5]));
        assert!(g.is_moderator(2, &[6]));
        assert!(!g.is_moderator(2, &[7]));
        assert!(!g.is_moderator(2, &[999]));
        g.remove_role(5);
        assert!(!g.is_moderator(2, &[5]));
        g.set_role(100, &role(100, Permissions::MANAGE_MESSAGES));
        assert!(g.is_moderator(2, &[]), "@everyone with moderation rights makes everyone a moderator");
    }
}
