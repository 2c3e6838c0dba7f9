//! Application-command registration, with the limits Discord enforces beyond the spec:
//! names of 1–32 lowercase letters, digits, `-`, `_` or `'` (no spaces); descriptions of
//! 1–100 characters for chat-input commands (none for user and message commands);
//! at most 25 options and 25 choices; 8,000 characters of names, descriptions and choice
//! values per command; 100 chat-input and 5 each of user and message commands per scope
//! (global, or one guild); 200 new commands a day per scope (a bulk overwrite counts the
//! names it adds). The daily count is on the fake's clock.

use serde_json::Value;

use super::routes::unknown_guild;
use super::{Answer, Req};
use crate::state::World;
use crate::Inner;

const DAY_MS: u64 = 86_400_000;
const MAX_OPTIONS: usize = 25;
const MAX_CHOICES: usize = 25;
const MAX_TOTAL_CHARS: usize = 8_000;

/// Routes the `/applications/{id}/…commands` calls; `None` for any other path.
pub(super) fn route(inner: &Inner, w: &mut World, req: &Req<'_>) -> Option<Answer> {
    let (scope, rest) = match req.segs.as_slice() {
        ["applications", app, "commands", rest @ ..] => (Scope::Global, (app, rest)),
        ["applications", app, "guilds", g, "commands", rest @ ..] => {
            (Scope::Guild(g.parse().unwrap_or(0)), (app, rest))
        }
        _ => return None,
    };
    let (app, rest) = rest;
    if app.parse::<u64>().ok() != Some(inner.opts.application_id) {
        return Some(Answer::error(403, 50001, "Missing Access"));
    }
    if let Scope::Guild(g) = scope {
        if !w.guilds.contains_key(&g) {
            return Some(unknown_guild());
        }
    }
    Some(match (req.method, rest) {
        ("GET", []) => Answer::json(200, Value::Array(commands(w, scope).clone())),
        ("PUT", []) => overwrite(inner, w, scope, &req.body, req.now),
        ("POST", []) => create(inner, w, scope, &req.body, req.now),
        ("DELETE", [id]) => {
            let list = commands(w, scope);
            let before = list.len();
            list.retain(|c| c.get("id").and_then(Value::as_str) != Some(*id));
            if list.len() == before {
                Answer::error(404, 10063, "Unknown application command")
            } else {
                Answer::empty()
            }
        }
        _ => Answer::error(404, 0, "404: Not Found"),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Global,
    Guild(u64),
}

fn commands(w: &mut World, scope: Scope) -> &mut Vec<Value> {
    match scope {
        Scope::Global => &mut w.global_commands,
        Scope::Guild(g) => &mut w.guilds.entry(g).or_default().commands,
    }
}

fn name_of(c: &Value) -> &str {
    c.get("name").and_then(Value::as_str).unwrap_or("")
}

fn kind_of(c: &Value) -> u64 {
    c.get("type").and_then(Value::as_u64).unwrap_or(1)
}

fn overwrite(inner: &Inner, w: &mut World, scope: Scope, body: &Value, now: u64) -> Answer {
    let Some(list) = body.as_array() else { return Answer::form_error("_", "ARRAY_TYPE_CONVERT", "Expected an array") };
    let rules = &inner.opts.commands;
    if rules.enforce {
        for (i, c) in list.iter().enumerate() {
            if let Err(e) = validate(c) {
                return Answer::form_error(&format!("{i}.{}", e.0), e.1, &e.2);
            }
        }
        if let Some(a) = over_count(inner, list.iter()) {
            return a;
        }
        let old: Vec<String> = commands(w, scope).iter().map(|c| name_of(c).to_string()).collect();
        let new = list.iter().filter(|c| !old.iter().any(|o| o == name_of(c))).count() as u32;
        if let Some(a) = spend_creates(inner, w, scope, new, now) {
            return a;
        }
    }
    let cmds: Vec<Value> = list.iter().map(|c| with_id(w, scope, inner.opts.application_id, c, now)).collect();
    *commands(w, scope) = cmds.clone();
    Answer::json(200, Value::Array(cmds))
}

fn create(inner: &Inner, w: &mut World, scope: Scope, body: &Value, now: u64) -> Answer {
    let rules = &inner.opts.commands;
    let exists = commands(w, scope).iter().position(|c| name_of(c) == name_of(body) && kind_of(c) == kind_of(body));
    if rules.enforce {
        if let Err(e) = validate(body) {
            return Answer::form_error(&e.0, e.1, &e.2);
        }
        if exists.is_none() {
            let mut all = commands(w, scope).clone();
            all.push(body.clone());
            if let Some(a) = over_count(inner, all.iter()) {
                return a;
            }
            if let Some(a) = spend_creates(inner, w, scope, 1, now) {
                return a;
            }
        }
    }
    let cmd = with_id(w, scope, inner.opts.application_id, body, now);
    let list = commands(w, scope);
    match exists {
        Some(i) => {
            list[i] = cmd.clone();
            Answer::json(200, cmd)
        }
        None => {
            list.push(cmd.clone());
            Answer::json(201, cmd)
        }
    }
}

fn with_id(w: &mut World, scope: Scope, app: u64, c: &Value, now: u64) -> Value {
    let mut c = c.clone();
    let id = w.new_id(now);
    if let Some(o) = c.as_object_mut() {
        o.insert("id".into(), id.to_string().into());
        o.insert("application_id".into(), app.to_string().into());
        o.insert("version".into(), id.to_string().into());
        o.entry("type").or_insert(1.into());
        if let Scope::Guild(g) = scope {
            o.insert("guild_id".into(), g.to_string().into());
        }
    }
    c
}

/// 30032 when a scope would hold too many commands of one type.
fn over_count<'a>(inner: &Inner, list: impl Iterator<Item = &'a Value>) -> Option<Answer> {
    let rules = &inner.opts.commands;
    let mut by_kind = [0usize; 4];
    for c in list {
        by_kind[(kind_of(c) as usize).min(3)] += 1;
    }
    let (chat, menus) = (by_kind[1] + by_kind[0], by_kind[2].max(by_kind[3]));
    (chat > rules.max_chat_input || menus > rules.max_context_menu)
        .then(|| Answer::error(400, 30032, "Maximum number of application commands reached"))
}

/// Counts `n` new commands against the scope's daily creates; 30034 past the limit.
fn spend_creates(inner: &Inner, w: &mut World, scope: Scope, n: u32, now: u64) -> Option<Answer> {
    let key = match scope {
        Scope::Global => 0,
        Scope::Guild(g) => g,
    };
    let log = w.command_creates.entry(key).or_default();
    log.retain(|&t| t + DAY_MS > now);
    let limit = inner.opts.commands.daily_creates as usize;
    if log.len() + n as usize > limit {
        return Some(Answer::error(
            400,
            30034,
            &format!("Max number of daily application command creates has been reached ({limit})"),
        ));
    }
    log.extend(std::iter::repeat_n(now, n as usize));
    None
}

/// A field that breaks a rule: (field path, Discord's error code, message).
type Broken = (String, &'static str, String);

fn name_ok(name: &str, chat_input: bool) -> bool {
    let n = name.chars().count();
    (1..=32).contains(&n)
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '\''))
        && (!chat_input || name.chars().all(|c| !c.is_uppercase()))
}

fn text_len(v: &Value, k: &str) -> usize {
    v.get(k).and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

/// Checks one command definition the way Discord does.
fn validate(c: &Value) -> Result<(), Broken> {
    let chat = kind_of(c) == 1;
    let name = name_of(c);
    if !name_ok(name, chat) {
        return Err(("name".into(), "APPLICATION_COMMAND_INVALID_NAME", format!("Command name is invalid: {name:?}")));
    }
    let desc = text_len(c, "description");
    if chat && !(1..=100).contains(&desc) {
        return Err(("description".into(), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.".into()));
    }
    if !chat && desc > 0 {
        return Err(("description".into(), "APPLICATION_COMMAND_INVALID_DESCRIPTION", "Must be empty.".into()));
    }
    let total = options(c.get("options"), "options", 0)?;
    if name.chars().count() + desc + total > MAX_TOTAL_CHARS {
        return Err((
            "_".into(),
            "APPLICATION_COMMAND_TOO_LARGE",
            format!("Command exceeds {MAX_TOTAL_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Checks options (recursively for groups and sub-commands); returns their characters.
fn options(opts: Option<&Value>, at: &str, depth: usize) -> Result<usize, Broken> {
    let list = opts.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    if list.len() > MAX_OPTIONS {
        return Err((at.into(), "BASE_TYPE_MAX_LENGTH", format!("Must be {MAX_OPTIONS} or fewer in length.")));
    }
    let mut chars = 0;
    for (i, o) in list.iter().enumerate() {
        let here = format!("{at}.{i}");
        let name = name_of(o);
        if !name_ok(name, true) {
            return Err((format!("{here}.name"), "APPLICATION_COMMAND_INVALID_NAME", format!("Invalid name {name:?}")));
        }
        let desc = text_len(o, "description");
        if !(1..=100).contains(&desc) {
            return Err((
                format!("{here}.description"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.".into(),
            ));
        }
        chars += name.chars().count() + desc;
        let kind = o.get("type").and_then(Value::as_u64).unwrap_or(0);
        if (kind == 1 || kind == 2) && depth >= 2 {
            return Err((format!("{here}.type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Nested too deep".into()));
        }
        chars += options(o.get("options"), &format!("{here}.options"), depth + 1)?;
        let choices = o.get("choices").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        if choices.len() > MAX_CHOICES {
            return Err((
                format!("{here}.choices"),
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {MAX_CHOICES} or fewer in length."),
            ));
        }
        for ch in choices {
            let (n, v) = (
                text_len(ch, "name"),
                ch.get("value").map_or(0, |v| v.as_str().map_or(v.to_string().len(), |s| s.chars().count())),
            );
            if !(1..=100).contains(&n) || v > 100 {
                return Err((
                    format!("{here}.choices"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Choices' names and values are 1 to 100 characters.".into(),
                ));
            }
            chars += n + v;
        }
    }
    Ok(chars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_descriptions() {
        let ok = json!({"name": "moat", "description": "Guard", "options": [{"type": 1, "name": "status", "description": "Now"}]});
        assert!(validate(&ok).is_ok());
        assert!(validate(&json!({"name": "Moat", "description": "x"})).is_err(), "chat-input names are lowercase");
        assert!(validate(&json!({"name": "Report user", "type": 2})).is_err(), "no spaces, even in menus");
        assert!(validate(&json!({"name": "report", "type": 2})).is_ok());
        assert!(validate(&json!({"name": "a".repeat(33), "description": "x"})).is_err());
        assert!(validate(&json!({"name": "moat", "description": ""})).is_err());
        assert!(validate(&json!({"name": "moat", "description": "d".repeat(101)})).is_err());
        assert!(validate(&json!({"name": "über", "description": "x"})).is_ok(), "letters of any script");
        let many: Vec<Value> =
            (0..26).map(|i| json!({"type": 3, "name": format!("o{i}"), "description": "x"})).collect();
        assert_eq!(validate(&json!({"name": "moat", "description": "x", "options": many})).unwrap_err().0, "options");
    }

    #[test]
    fn the_total_is_capped() {
        let opt = |i: usize| {
            json!({"type": 3, "name": format!("o{i}"), "description": "d".repeat(100),
            "choices": (0..25).map(|j| json!({"name": "n".repeat(100), "value": format!("{j}")})).collect::<Vec<_>>()})
        };
        let c = json!({"name": "moat", "description": "x", "options": (0..4).map(opt).collect::<Vec<_>>()});
        assert_eq!(validate(&c).unwrap_err().1, "APPLICATION_COMMAND_TOO_LARGE");
    }
}
