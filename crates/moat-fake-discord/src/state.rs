//! The guilds as Discord holds them, fed by the capture being played and changed by REST
//! calls, so a test can ask "is this member timed out?" rather than grep a call log.
//!
//! It is deliberately loose: ids are `u64`, payloads are read with `serde_json::Value`, and
//! anything missing from a capture gets a harmless default.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

/// `ADMINISTRATOR`.
pub const ADMINISTRATOR: u64 = 1 << 3;

#[derive(Debug, Clone)]
pub struct Role {
    pub id: u64,
    pub name: String,
    pub position: i64,
    pub permissions: u64,
    pub managed: bool,
    pub raw: Value,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: u64,
    pub username: String,
    pub roles: Vec<u64>,
    pub joined_at: String,
    pub timeout_until: Option<String>,
    pub bot: bool,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub author_id: u64,
    pub content: String,
    pub deleted: bool,
    /// How many times the bot edited it (alerts are edited, not repeated).
    pub edits: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Guild {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    pub verification_level: u64,
    pub invites_disabled_until: Option<String>,
    pub dms_disabled_until: Option<String>,
    pub roles: BTreeMap<u64, Role>,
    pub channels: BTreeMap<u64, Value>,
    pub members: HashMap<u64, Member>,
    pub bans: BTreeMap<u64, Option<String>>,
    pub automod_rules: BTreeMap<u64, Value>,
    pub commands: Vec<Value>,
    /// The GUILD_CREATE payload as the capture had it (re-sent on IDENTIFY).
    pub raw: Value,
}

/// Everything the fake knows, plus the history tests ask about.
#[derive(Debug, Default)]
pub struct World {
    pub bot_user_id: u64,
    pub guilds: BTreeMap<u64, Guild>,
    pub messages: HashMap<u64, Message>,
    pub global_commands: Vec<Value>,
    /// Users banned, kicked, timed out, in the order it happened.
    pub banned: Vec<u64>,
    pub kicked: Vec<u64>,
    pub timed_out: Vec<u64>,
    pub roles_added: BTreeMap<u64, BTreeSet<u64>>,
    pub deleted: Vec<u64>,
    /// Messages the bot posted (ids, in order).
    pub bot_messages: Vec<u64>,
    /// Accepted interaction callbacks (`/moat`), as `(interaction id, callback body)`; the
    /// whole story of each interaction (deferrals, edits, refusals) is in
    /// [`crate::FakeDiscord::interaction`].
    pub interaction_replies: Vec<(u64, Value)>,
    /// When each scope (0 = global, else a guild id) created commands (fake's clock, ms).
    pub command_creates: BTreeMap<u64, Vec<u64>>,
    next_id: u64,
}

fn id_of(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(0),
        Value::Number(n) => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

fn field_id(v: &Value, k: &str) -> u64 {
    v.get(k).map(id_of).unwrap_or(0)
}

fn ids(v: Option<&Value>) -> Vec<u64> {
    v.and_then(Value::as_array).map(|a| a.iter().map(id_of).filter(|&i| i != 0).collect()).unwrap_or_default()
}

impl Role {
    fn from_value(v: &Value) -> Role {
        Role {
            id: field_id(v, "id"),
            name: v.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
            position: v.get("position").and_then(Value::as_i64).unwrap_or(0),
            permissions: field_id(v, "permissions"),
            managed: v.get("managed").and_then(Value::as_bool).unwrap_or(false),
            raw: v.clone(),
        }
    }
}

impl Member {
    pub fn from_value(v: &Value) -> Member {
        let user = v.get("user").cloned().unwrap_or(Value::Null);
        Member {
            user_id: field_id(&user, "id"),
            username: user.get("username").and_then(Value::as_str).unwrap_or("").to_string(),
            roles: ids(v.get("roles")),
            joined_at: v
                .get("joined_at")
                .and_then(Value::as_str)
                .unwrap_or("2020-01-01T00:00:00.000+00:00")
                .to_string(),
            timeout_until: v.get("communication_disabled_until").and_then(Value::as_str).map(str::to_string),
            bot: user.get("bot").and_then(Value::as_bool).unwrap_or(false),
        }
    }

    /// The member as REST returns it.
    pub fn to_value(&self) -> Value {
        json!({
            "user": {"id": self.user_id.to_string(), "username": self.username, "discriminator": "0", "avatar": null, "bot": self.bot},
            "roles": self.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "joined_at": self.joined_at,
            "deaf": false, "mute": false, "flags": 0, "pending": false,
            "communication_disabled_until": self.timeout_until,
        })
    }
}

impl Guild {
    /// The GUILD_CREATE payload sent on IDENTIFY: the capture's, with today's roles and level.
    pub fn create_payload(&self, bot: u64) -> String {
        let mut v = self.raw.clone();
        if let Some(o) = v.as_object_mut() {
            let me: Vec<Value> = self.members.get(&bot).map(Member::to_value).into_iter().collect();
            o.insert("members".into(), me.into());
            o.insert("verification_level".into(), self.verification_level.into());
            o.insert("roles".into(), self.roles.values().map(|r| r.raw.clone()).collect());
        }
        v.to_string()
    }

    /// The guild as `GET /guilds/{id}` returns it (the fields moat reads, and a few more).
    pub fn to_value(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "name": self.name,
            "owner_id": self.owner_id.to_string(),
            "verification_level": self.verification_level,
            "roles": self.roles.values().map(|r| r.raw.clone()).collect::<Vec<_>>(),
            "incidents_data": self.incidents(),
        })
    }

    pub fn incidents(&self) -> Value {
        json!({
            "invites_disabled_until": self.invites_disabled_until,
            "dms_disabled_until": self.dms_disabled_until,
            "raid_detected_at": null,
            "dm_spam_detected_at": null,
        })
    }

    /// The permissions a member has guild-wide (roles' union; administrators have all).
    pub fn permissions_of(&self, user: u64) -> u64 {
        if user == self.owner_id {
            return u64::MAX;
        }
        let mut p = self.roles.get(&self.id).map_or(0, |r| r.permissions);
        if let Some(m) = self.members.get(&user) {
            for r in &m.roles {
                p |= self.roles.get(r).map_or(0, |r| r.permissions);
            }
        }
        if p & ADMINISTRATOR != 0 {
            u64::MAX
        } else {
            p
        }
    }

    /// The position of a member's highest role (0 for none).
    pub fn top_position(&self, user: u64) -> i64 {
        self.members
            .get(&user)
            .map(|m| m.roles.iter().filter_map(|r| self.roles.get(r)).map(|r| r.position).max().unwrap_or(0))
            .unwrap_or(0)
    }
}

impl World {
    pub fn new(bot_user_id: u64) -> World {
        World { bot_user_id, next_id: 1, ..Default::default() }
    }

    /// A new snowflake for something the fake creates, dated `now_ms`.
    pub fn new_id(&mut self, now_ms: u64) -> u64 {
        self.next_id += 1;
        (now_ms.saturating_sub(1_420_070_400_000) << 22) | (self.next_id & 0x3f_ffff)
    }

    /// Updates the state with one dispatch the gateway sends (`t`, parsed `d`).
    pub fn apply(&mut self, t: &str, d: &Value) {
        match t {
            "GUILD_CREATE" => {
                let mut g = Guild {
                    id: field_id(d, "id"),
                    name: d.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                    owner_id: field_id(d, "owner_id"),
                    verification_level: d.get("verification_level").and_then(Value::as_u64).unwrap_or(0),
                    raw: d.clone(),
                    ..Default::default()
                };
                for r in d.get("roles").and_then(Value::as_array).into_iter().flatten() {
                    let r = Role::from_value(r);
                    g.roles.insert(r.id, r);
                }
                for c in d.get("channels").and_then(Value::as_array).into_iter().flatten() {
                    g.channels.insert(field_id(c, "id"), c.clone());
                }
                for m in d.get("members").and_then(Value::as_array).into_iter().flatten() {
                    let m = Member::from_value(m);
                    g.members.insert(m.user_id, m);
                }
                if let Some(raw) = g.raw.as_object_mut() {
                    raw.remove("members");
                }
                self.guilds.insert(g.id, g);
            }
            "GUILD_MEMBER_ADD" => {
                let m = Member::from_value(d);
                if let Some(g) = self.guilds.get_mut(&field_id(d, "guild_id")) {
                    g.members.insert(m.user_id, m);
                }
            }
            "GUILD_MEMBER_REMOVE" => {
                let u = d.get("user").map(|u| field_id(u, "id")).unwrap_or(0);
                if let Some(g) = self.guilds.get_mut(&field_id(d, "guild_id")) {
                    g.members.remove(&u);
                }
            }
            "GUILD_ROLE_CREATE" | "GUILD_ROLE_UPDATE" => {
                if let (Some(g), Some(r)) = (self.guilds.get_mut(&field_id(d, "guild_id")), d.get("role")) {
                    let r = Role::from_value(r);
                    g.roles.insert(r.id, r);
                }
            }
            "MESSAGE_CREATE" => {
                let m = Message {
                    id: field_id(d, "id"),
                    channel_id: field_id(d, "channel_id"),
                    guild_id: Some(field_id(d, "guild_id")).filter(|&g| g != 0),
                    author_id: d.get("author").map(|a| field_id(a, "id")).unwrap_or(0),
                    content: d.get("content").and_then(Value::as_str).unwrap_or("").to_string(),
                    deleted: false,
                    edits: 0,
                };
                if let (Some(g), Some(member)) = (m.guild_id.and_then(|g| self.guilds.get_mut(&g)), d.get("member")) {
                    // Discord knows every author; a capture may not have shown them join.
                    g.members.entry(m.author_id).or_insert_with(|| {
                        let mut mv = member.clone();
                        mv["user"] = d.get("author").cloned().unwrap_or(Value::Null);
                        Member::from_value(&mv)
                    });
                }
                self.messages.insert(m.id, m);
            }
            "MESSAGE_UPDATE" => {
                if let (Some(m), Some(c)) =
                    (self.messages.get_mut(&field_id(d, "id")), d.get("content").and_then(Value::as_str))
                {
                    m.content = c.to_string();
                }
            }
            _ => {}
        }
    }

    /// The messages the bot posted, in order (alerts), with their latest text.
    pub fn alerts(&self) -> Vec<&Message> {
        self.bot_messages.iter().filter_map(|id| self.messages.get(id)).collect()
    }

    /// Whether a member is timed out now (a timeout in the past does not count).
    pub fn is_timed_out(&self, guild: u64, user: u64) -> bool {
        self.guilds.get(&guild).and_then(|g| g.members.get(&user)).is_some_and(|m| m.timeout_until.is_some())
    }
}
