//! Who may see which guild: the one rule, in one place.
//!
//! A guild is visible to a user only if moat is in it **and** the user owns it, or holds
//! Manage Server (`1 << 5`) or Administrator (`1 << 3`) there, or holds a role the guild
//! names as moat's moderators. Discord's word on ownership and permissions is taken at login;
//! moat's presence and moderator roles are checked again on every request, so a guild moat
//! left, or a role taken away, closes its pages at once.

use moat_core::id::GuildId;

use crate::discord::UserGuild;
use crate::session::Session;
use crate::source::{BotControl, GuildInfo};

pub const ADMINISTRATOR: u64 = 1 << 3;
pub const MANAGE_GUILD: u64 = 1 << 5;

/// From `users/@me/guilds`: the guilds the user manages, and every guild they are in.
pub fn from_discord(guilds: &[UserGuild]) -> (Vec<u64>, Vec<u64>) {
    let mut managed = Vec::new();
    let mut member = Vec::new();
    for g in guilds {
        let Ok(id) = g.id.parse::<u64>() else { continue };
        let perms = g.permissions.parse::<u64>().unwrap_or(0);
        if g.owner || perms & (MANAGE_GUILD | ADMINISTRATOR) != 0 {
            managed.push(id);
        }
        member.push(id);
    }
    (managed, member)
}

/// The guild, if this session may open it now.
pub fn may_open(bot: &dyn BotControl, s: &Session, guild: GuildId) -> Option<GuildInfo> {
    let info = bot.guilds().into_iter().find(|g| g.id == guild)?;
    if s.managed.contains(&guild.0) {
        return Some(info);
    }
    if info.moderator_roles.is_empty() || !s.member_of.contains(&guild.0) {
        return None;
    }
    let roles = bot.member_roles(guild, s.user);
    roles.iter().any(|r| info.moderator_roles.contains(r)).then_some(info)
}

/// Every guild this session may open, in the bot's order.
pub fn visible(bot: &dyn BotControl, s: &Session) -> Vec<GuildInfo> {
    bot.guilds().into_iter().filter(|g| may_open(bot, s, g.id).is_some()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(id: &str, owner: bool, perms: u64) -> UserGuild {
        UserGuild { id: id.into(), owner, permissions: perms.to_string() }
    }

    #[test]
    fn owners_managers_and_admins_manage_others_do_not() {
        let (managed, member) = from_discord(&[
            g("1", true, 0),
            g("2", false, MANAGE_GUILD),
            g("3", false, ADMINISTRATOR),
            g("4", false, 1 << 10),
            g("x", true, 0),
        ]);
        assert_eq!(managed, vec![1, 2, 3]);
        assert_eq!(member, vec![1, 2, 3, 4]);
    }
}
