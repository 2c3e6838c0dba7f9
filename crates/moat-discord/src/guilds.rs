//! What the bot needs to know about each guild besides the engine's view: its channels (to
//! find the moderators' channel), its roles and moat's own member (to check permissions and
//! role position).
//!
//! The check runs when a guild arrives and whenever roles or moat's member change, and says
//! in plain words what moat cannot do and why ("moat's role is below Members, so it cannot
//! time them out"), because a guard that silently fails is worse than none.

use std::collections::HashMap;

use twilight_model::gateway::event::Event;
use twilight_model::gateway::payload::incoming::GuildCreate;
use twilight_model::guild::Permissions;

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
    pub owner_id: u64,
    roles: HashMap<u64, RoleView>,
    bot_roles: Vec<u64>,
    /// `(id, name)` of text channels.
    pub channels: Vec<(u64, String)>,
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
    fn bot_permissions(&self, guild_id: u64) -> Permissions {
        let mut p = self.roles.get(&guild_id).map_or(Permissions::empty(), |r| r.permissions);
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
    pub fn problems(&self, guild_id: u64, needs_roles: bool) -> Vec<String> {
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
                **id != guild_id
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

    /// Whether moat may manage the guild (AutoMod rules, lockdown).
    pub fn can_manage(&self, guild_id: u64) -> bool {
        self.bot_permissions(guild_id).contains(Permissions::MANAGE_GUILD)
    }

    /// Roles whose members moderate (exempt from moat's AutoMod rule).
    pub fn moderator_roles(&self) -> Vec<u64> {
        let m = Permissions::ADMINISTRATOR
            | Permissions::MANAGE_GUILD
            | Permissions::BAN_MEMBERS
            | Permissions::MODERATE_MEMBERS;
        let mut r: Vec<u64> = self
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
    pub fn alert_channel(&self) -> Option<u64> {
        ALERT_CHANNEL_NAMES
            .iter()
            .find_map(|want| self.channels.iter().find(|(_, n)| n.eq_ignore_ascii_case(want)).map(|(id, _)| *id))
    }
}

/// Guilds by id, plus moat's own user id.
#[derive(Debug, Default)]
pub struct Guilds {
    pub bot_id: u64,
    pub guilds: HashMap<u64, GuildView>,
}

impl Guilds {
    /// Follows one event; returns the guild whose permissions may have changed.
    pub fn observe(&mut self, event: &Event) -> Option<u64> {
        match event {
            Event::Ready(r) => {
                self.bot_id = r.user.id.get();
                None
            }
            Event::GuildCreate(gc) => {
                let GuildCreate::Available(g) = &**gc else { return None };
                let mut v = GuildView { name: g.name.clone(), owner_id: g.owner_id.get(), ..Default::default() };
                for r in &g.roles {
                    v.roles.insert(
                        r.id.get(),
                        RoleView { name: r.name.clone(), position: r.position, permissions: r.permissions },
                    );
                }
                if let Some(me) = g.members.iter().find(|m| m.user.id.get() == self.bot_id) {
                    v.bot_roles = me.roles.iter().map(|r| r.get()).collect();
                }
                v.channels = g.channels.iter().map(|c| (c.id.get(), c.name.clone().unwrap_or_default())).collect();
                self.guilds.insert(g.id.get(), v);
                Some(g.id.get())
            }
            Event::RoleCreate(rc) => self.set_role(rc.guild_id.get(), &rc.role),
            Event::RoleUpdate(ru) => self.set_role(ru.guild_id.get(), &ru.role),
            Event::RoleDelete(rd) => {
                let g = self.guilds.get_mut(&rd.guild_id.get())?;
                g.roles.remove(&rd.role_id.get());
                Some(rd.guild_id.get())
            }
            Event::MemberUpdate(mu) if mu.user.id.get() == self.bot_id => {
                let g = self.guilds.get_mut(&mu.guild_id.get())?;
                g.bot_roles = mu.roles.iter().map(|r| r.get()).collect();
                Some(mu.guild_id.get())
            }
            Event::ChannelCreate(c) => {
                let g = self.guilds.get_mut(&c.guild_id?.get())?;
                g.channels.push((c.id.get(), c.name.clone().unwrap_or_default()));
                None
            }
            _ => None,
        }
    }

    fn set_role(&mut self, guild: u64, r: &twilight_model::guild::Role) -> Option<u64> {
        let g = self.guilds.get_mut(&guild)?;
        g.roles.insert(r.id.get(), RoleView { name: r.name.clone(), position: r.position, permissions: r.permissions });
        Some(guild)
    }
}
