//! What moat may do in a guild, as Discord will judge it: its permissions in the guild and
//! in each channel (after the channel's overwrites), and its top role's position.
//!
//! Discord answers a call moat may not make with 403, and counts every 401, 403 and 429
//! towards a temporary ban of the whole bot (10,000 in 10 minutes), for every guild it
//! protects. So the executor asks this view before each call and leaves out the ones that
//! would fail, saying in the incident's alert what was not done and why. The engine task
//! builds a fresh [`Capabilities`] whenever roles, channels or moat's member change and
//! hands it to the executor; a guild it has not seen yet is not held back (Discord is
//! then the judge).

use std::collections::HashMap;

use moat_core::id::{ChannelId, RoleId, UserId};
use twilight_model::channel::permission_overwrite::{PermissionOverwrite, PermissionOverwriteType};
use twilight_model::guild::Permissions;

/// moat's powers in one guild.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// Guild-wide (roles only; Administrator already expanded to all).
    pub guild: Permissions,
    /// Per channel, after overwrites (a channel not listed has the guild's).
    pub channels: HashMap<ChannelId, Permissions>,
    /// The position of moat's highest role.
    pub top: i64,
    /// Positions of the guild's roles (to tell whether a role is below moat's).
    pub role_positions: HashMap<RoleId, i64>,
}

impl Capabilities {
    /// A view with these guild-wide permissions and nothing else known.
    pub fn with(guild: Permissions) -> Capabilities {
        Capabilities { guild, channels: HashMap::new(), top: 0, role_positions: HashMap::new() }
    }
}

/// A permission moat needs for a kind of call, by the name Discord's settings show.
pub fn name(p: Permissions) -> &'static str {
    match p {
        Permissions::MANAGE_MESSAGES => "Manage Messages",
        Permissions::MODERATE_MEMBERS => "Timeout Members",
        Permissions::BAN_MEMBERS => "Ban Members",
        Permissions::KICK_MEMBERS => "Kick Members",
        Permissions::MANAGE_GUILD => "Manage Server",
        Permissions::MANAGE_ROLES => "Manage Roles",
        Permissions::SEND_MESSAGES => "Send Messages",
        Permissions::VIEW_CHANNEL => "View Channel",
        _ => "a permission",
    }
}

impl Capabilities {
    /// The first of `needed` moat lacks guild-wide, by name.
    pub fn lacks(&self, needed: Permissions) -> Option<&'static str> {
        missing(self.guild, needed)
    }

    /// The first of `needed` moat lacks in `channel`, by name.
    pub fn lacks_in(&self, channel: ChannelId, needed: Permissions) -> Option<&'static str> {
        missing(self.channels.get(&channel).copied().unwrap_or(self.guild), needed)
    }

    /// Whether moat can give or take `role` (Manage Roles and a role below its own).
    pub fn can_assign(&self, role: RoleId) -> Result<(), String> {
        if let Some(p) = self.lacks(Permissions::MANAGE_ROLES) {
            return Err(format!("moat lacks \"{p}\""));
        }
        match self.role_positions.get(&role) {
            Some(&pos) if pos >= self.top => Err("the silence role is not below moat's role".into()),
            _ => Ok(()),
        }
    }
}

fn missing(have: Permissions, needed: Permissions) -> Option<&'static str> {
    if have.contains(Permissions::ADMINISTRATOR) {
        return None;
    }
    needed.iter().find(|p| !have.contains(*p)).map(name)
}

/// moat's permissions in a channel: Discord's order, `@everyone`'s overwrite, then its
/// roles' (denies before allows), then one for moat itself. Administrators are exempt.
pub fn in_channel(
    guild: Permissions,
    everyone: RoleId,
    roles: &[RoleId],
    me: UserId,
    overwrites: &[PermissionOverwrite],
) -> Permissions {
    if guild.contains(Permissions::ADMINISTRATOR) {
        return Permissions::all();
    }
    let mut p = guild;
    let of = |o: &PermissionOverwrite| (o.kind, o.id.get());
    if let Some(o) = overwrites.iter().find(|o| of(o) == (PermissionOverwriteType::Role, everyone.get())) {
        p = (p & !o.deny) | o.allow;
    }
    let (mut deny, mut allow) = (Permissions::empty(), Permissions::empty());
    for o in overwrites.iter().filter(|o| o.kind == PermissionOverwriteType::Role) {
        if o.id.get() != everyone.get() && roles.iter().any(|r| r.get() == o.id.get()) {
            deny |= o.deny;
            allow |= o.allow;
        }
    }
    p = (p & !deny) | allow;
    if let Some(o) = overwrites.iter().find(|o| of(o) == (PermissionOverwriteType::Member, me.get())) {
        p = (p & !o.deny) | o.allow;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use twilight_model::id::Id;

    fn ow(kind: PermissionOverwriteType, id: u64, allow: Permissions, deny: Permissions) -> PermissionOverwrite {
        PermissionOverwrite { allow, deny, id: Id::new(id), kind }
    }

    #[test]
    fn overwrites_apply_in_discords_order() {
        let base = Permissions::MANAGE_MESSAGES | Permissions::SEND_MESSAGES | Permissions::VIEW_CHANNEL;
        let (everyone, mine, me) = (RoleId(1), RoleId(2), UserId(3));
        let deny_everyone = ow(PermissionOverwriteType::Role, 1, Permissions::empty(), Permissions::MANAGE_MESSAGES);
        let p = in_channel(base, everyone, &[mine], me, std::slice::from_ref(&deny_everyone));
        assert!(!p.contains(Permissions::MANAGE_MESSAGES));
        let allow_role = ow(PermissionOverwriteType::Role, 2, Permissions::MANAGE_MESSAGES, Permissions::empty());
        let p = in_channel(base, everyone, &[mine], me, &[deny_everyone, allow_role]);
        assert!(p.contains(Permissions::MANAGE_MESSAGES), "a role's allow beats @everyone's deny");
        let deny_me = ow(PermissionOverwriteType::Member, 3, Permissions::empty(), Permissions::SEND_MESSAGES);
        let p = in_channel(base, everyone, &[mine], me, &[deny_me]);
        assert!(!p.contains(Permissions::SEND_MESSAGES));
        assert_eq!(in_channel(Permissions::ADMINISTRATOR, everyone, &[], me, &[deny_everyone]), Permissions::all());
    }

    #[test]
    fn lacking_names_the_permission() {
        let c = Capabilities::with(Permissions::MANAGE_MESSAGES);
        assert_eq!(c.lacks(Permissions::MODERATE_MEMBERS), Some("Timeout Members"));
        assert_eq!(c.lacks(Permissions::MANAGE_MESSAGES), None);
        assert_eq!(c.lacks(Permissions::BAN_MEMBERS | Permissions::MANAGE_GUILD), Some("Ban Members"));
        let admin = Capabilities::with(Permissions::ADMINISTRATOR);
        assert_eq!(admin.lacks(Permissions::all()), None);
    }
}
