//! What the bot needs to know about each guild besides the engine's view: its channels (to
//! find the moderators' channel), its roles and moat's own member (to check permissions and
//! role position).
//!
//! The check runs when a guild arrives and whenever roles or moat's member change, and says
//! in plain words what moat cannot do and why ("moat's role is below Members, so it cannot
//! time them out"), because a guard that silently fails is worse than none.

use std::collections::HashMap;

use moat_core::id::{ChannelId, GuildId, RoleId, UserId};
use twilight_model::gateway::event::Event;

use crate::ids::core;
use twilight_model::channel::permission_overwrite::PermissionOverwrite;
use twilight_model::gateway::payload::incoming::GuildCreate;
use twilight_model::guild::Permissions;

use crate::perms::{in_channel, Capabilities};

/// One role as the check needs it.
#[derive(Debug, Clone)]
struct RoleView {
    name: String,
    position: i64,
    permissions: Permissions,
}

/// One guild as the bot sees it.
#[derive(Debug, Clone, Default)]
pub struct GuildView {
    pub name: String,
    pub owner_id: UserId,
    roles: HashMap<RoleId, RoleView>,
    bot_roles: Vec<RoleId>,
    /// The guild's text channels.
    pub channels: Vec<Channel>,
}

/// A channel, by name (to find the moderators' one), with its permission overwrites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    pub overwrites: Vec<PermissionOverwrite>,
}

impl Channel {
    fn of(c: &twilight_model::channel::Channel) -> Channel {
        Channel {
            id: core(c.id),
            name: c.name.clone().unwrap_or_default(),
            overwrites: c.permission_overwrites.clone().unwrap_or_default(),
        }
    }
}

/// Names a moderators' channel goes by, best first.
const ALERT_CHANNEL_NAMES: [&str; 8] =
    ["moat", "moat-alerts", "mod-alerts", "mod-log", "modlog", "moderators", "mods", "staff"];

/// What moat must be able to do, and what it cannot do without it.
const NEEDED: [(Permissions, &str, &str); 5] = [
    (Permissions::MANAGE_MESSAGES, "Manage Messages", "delete spam and scam links"),
    (Permissions::MODERATE_MEMBERS, "Timeout Members", "time out flooders and raiders"),
    (Permissions::BAN_MEMBERS, "Ban Members", "ban raiders"),
    (Permissions::KICK_MEMBERS, "Kick Members", "kick members when the ladder says so"),
    (
        Permissions::MANAGE_GUILD,
        "Manage Server",
        "lock the server down during a raid (verification level, paused invites and DMs) or ban a raid in bulk",
    ),
];

impl GuildView {
    /// A guild from its parts, as the gateway's GUILD_CREATE or REST (`moat doctor`) gives
    /// them: its roles, moat's own roles and its channels.
    pub fn from_parts(
        name: &str,
        owner_id: UserId,
        roles: &[twilight_model::guild::Role],
        bot_roles: &[RoleId],
        channels: &[twilight_model::channel::Channel],
    ) -> GuildView {
        GuildView {
            name: name.to_string(),
            owner_id,
            roles: roles
                .iter()
                .map(|r| {
                    (core(r.id), RoleView { name: r.name.clone(), position: r.position, permissions: r.permissions })
                })
                .collect(),
            bot_roles: bot_roles.to_vec(),
            channels: channels.iter().map(Channel::of).collect(),
        }
    }

    fn bot_permissions(&self, guild_id: GuildId) -> Permissions {
        // `@everyone`'s id is the guild's.
        let everyone = RoleId(guild_id.get());
        let mut p = self.roles.get(&everyone).map_or(Permissions::empty(), |r| r.permissions);
        for r in &self.bot_roles {
            if let Some(r) = self.roles.get(r) {
                p |= r.permissions;
            }
        }
        if p.contains(Permissions::ADMINISTRATOR) {
            Permissions::all()
        } else {
            p
        }
    }

    fn bot_top(&self) -> (i64, String) {
        self.bot_roles
            .iter()
            .filter_map(|r| self.roles.get(r))
            .map(|r| (r.position, r.name.clone()))
            .max()
            .unwrap_or((0, "@everyone".into()))
    }

    /// What moat cannot do here, in plain words (empty when all is well).
    pub fn problems(&self, guild_id: GuildId, needs_roles: bool) -> Vec<String> {
        let mut out = Vec::new();
        let have = self.bot_permissions(guild_id);
        for (perm, name, what) in NEEDED {
            if !have.contains(perm) {
                out.push(format!("moat is missing the \"{name}\" permission, so it cannot {what}."));
            }
        }
        if needs_roles && !have.contains(Permissions::MANAGE_ROLES) {
            out.push("moat is missing the \"Manage Roles\" permission, so it cannot give the silence role.".into());
        }
        let (top, top_name) = self.bot_top();
        let moderation = Permissions::ADMINISTRATOR
            | Permissions::MANAGE_GUILD
            | Permissions::BAN_MEMBERS
            | Permissions::MODERATE_MEMBERS;
        let mut above: Vec<(i64, &str)> = self
            .roles
            .iter()
            .filter(|(id, r)| {
                id.get() != guild_id.get()
                    && r.position >= top
                    && !r.permissions.intersects(moderation)
                    && !self.bot_roles.contains(id)
            })
            .map(|(_, r)| (r.position, r.name.as_str()))
            .collect();
        above.sort();
        if let Some(&(_, first)) = above.first() {
            let names: Vec<&str> = above.iter().map(|(_, n)| *n).collect();
            out.push(format!(
                "moat's role ({top_name}) is below {}, so it cannot time out, kick or ban members who have {}. \
                 Drag moat's role above {} in Server Settings → Roles.",
                names.join(", "),
                if names.len() == 1 { "it" } else { "them" },
                first
            ));
        }
        out
    }

    /// What moat may do here, guild-wide and per channel, for the executor.
    pub fn capabilities(&self, guild_id: GuildId, me: UserId) -> Capabilities {
        let guild = self.bot_permissions(guild_id);
        let everyone = RoleId(guild_id.get());
        let channels = self
            .channels
            .iter()
            .filter(|c| !c.overwrites.is_empty())
            .map(|c| (c.id, in_channel(guild, everyone, &self.bot_roles, me, &c.overwrites)))
            .collect();
        Capabilities {
            guild,
            channels,
            top: self.bot_top().0,
            role_positions: self.roles.iter().map(|(id, r)| (*id, r.position)).collect(),
        }
    }

    /// Whether moat may manage the guild (AutoMod rules, lockdown).
    pub fn can_manage(&self, guild_id: GuildId) -> bool {
        self.bot_permissions(guild_id).contains(Permissions::MANAGE_GUILD)
    }

    /// Roles whose members moderate (exempt from moat's AutoMod rule).
    pub fn moderator_roles(&self) -> Vec<RoleId> {
        let m = Permissions::ADMINISTRATOR
            | Permissions::MANAGE_GUILD
            | Permissions::BAN_MEMBERS
            | Permissions::MODERATE_MEMBERS;
        let mut r: Vec<RoleId> = self
            .roles
            .iter()
            .filter(|(_, r)| r.permissions.intersects(m))
            .map(|(id, _)| *id)
            .filter(|id| !self.bot_roles.contains(id))
            .collect();
        r.sort();
        r
    }

    /// The moderators' channel by name, if the guild has one.
    pub fn alert_channel(&self) -> Option<ChannelId> {
        ALERT_CHANNEL_NAMES
            .iter()
            .find_map(|want| self.channels.iter().find(|c| c.name.eq_ignore_ascii_case(want)).map(|c| c.id))
    }
}

/// Guilds by id, plus moat's own user id.
#[derive(Debug, Default)]
pub struct Guilds {
    pub bot_id: UserId,
    pub guilds: HashMap<GuildId, GuildView>,
}

impl Guilds {
    /// Follows one event; returns the guild whose permissions may have changed.
    pub fn observe(&mut self, event: &Event) -> Option<GuildId> {
        match event {
            Event::Ready(r) => {
                self.bot_id = core(r.user.id);
                None
            }
            Event::GuildCreate(gc) => {
                let GuildCreate::Available(g) = &**gc else { return None };
                let bot_roles: Vec<RoleId> = g
                    .members
                    .iter()
                    .find(|m| core::<_, UserId>(m.user.id) == self.bot_id)
                    .map(|me| me.roles.iter().map(|&r| core(r)).collect())
                    .unwrap_or_default();
                let v = GuildView::from_parts(&g.name, core(g.owner_id), &g.roles, &bot_roles, &g.channels);
                self.guilds.insert(core(g.id), v);
                Some(core(g.id))
            }
            Event::RoleCreate(rc) => self.set_role(core(rc.guild_id), &rc.role),
            Event::RoleUpdate(ru) => self.set_role(core(ru.guild_id), &ru.role),
            Event::RoleDelete(rd) => {
                let g = self.guilds.get_mut(&core(rd.guild_id))?;
                g.roles.remove(&core(rd.role_id));
                Some(core(rd.guild_id))
            }
            Event::MemberUpdate(mu) if core::<_, UserId>(mu.user.id) == self.bot_id => {
                let g = self.guilds.get_mut(&core(mu.guild_id))?;
                g.bot_roles = mu.roles.iter().map(|&r| core(r)).collect();
                Some(core(mu.guild_id))
            }
            Event::ChannelCreate(c) => self.set_channel(c),
            Event::ChannelUpdate(c) => self.set_channel(c),
            Event::ChannelDelete(c) => {
                let guild = core(c.guild_id?);
                let g = self.guilds.get_mut(&guild)?;
                g.channels.retain(|x| x.id != core::<_, ChannelId>(c.id));
                Some(guild)
            }
            _ => None,
        }
    }

    fn set_channel(&mut self, c: &twilight_model::channel::Channel) -> Option<GuildId> {
        let guild = core(c.guild_id?);
        let g = self.guilds.get_mut(&guild)?;
        let new = Channel::of(c);
        match g.channels.iter_mut().find(|x| x.id == new.id) {
            Some(x) => *x = new,
            None => g.channels.push(new),
        }
        Some(guild)
    }

    fn set_role(&mut self, guild: GuildId, r: &twilight_model::guild::Role) -> Option<GuildId> {
        let g = self.guilds.get_mut(&guild)?;
        g.roles.insert(core(r.id), RoleView { name: r.name.clone(), position: r.position, permissions: r.permissions });
        Some(guild)
    }
}
