//! Re-basing a capture: moving its time to now and giving it new ids, so a bot running on
//! the wall clock (a real `moat run`) sees a months-old capture as happening now, and one
//! capture can be played as many guilds at once.
//!
//! Every time moves by the same shift: the events' `ts`, every ISO time in the payloads
//! (`joined_at`, `timestamp`, `edited_timestamp`, `communication_disabled_until`,
//! `premium_since`, any `…_at`, `…_until`, `…timestamp`), `<t:UNIX>` in message text, and the
//! time inside every snowflake. Ids are rewritten by one map, the same old id to the same new
//! id everywhere it appears: fields named `id` or `…_id`, lists named `…_ids`, `roles`,
//! `mention_roles`, `exempt_roles`, `exempt_channels` and bulk-delete `messages`, the values
//! of `authorizing_integration_owners`, and mentions in text (`<@id>`, `<@!id>`, `<@&id>`,
//! `<#id>`). New ids keep the old ones' order and each one's creation time (to the
//! millisecond, shifted); their low 22 bits are a counter. Numbers that are not ids
//! (`permissions`, `allow`, `deny`, `flags`, `nonce`) are left alone, and so are the ids in
//! `keep` (the bot's own user and application: the fake answers as them).
//!
//! With `copies` > 1 each line becomes one line per copy, each copy a separate guild with
//! its own ids (users included), interleaved in time. The [`IdMap`] says which new id each
//! old id became in each copy, so expectations written for the capture can be scored.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::rest::{iso_from_ms, ms_from_iso};

const DISCORD_EPOCH: u64 = 1_420_070_400_000;
const LOW_BITS: u64 = 22;

/// Which old id became which new id, per copy; `ids[old][k]` is its id in copy `k`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    /// How far every time moved (ms; positive = later).
    pub shift_ms: i64,
    pub copies: u32,
    pub ids: BTreeMap<u64, Vec<u64>>,
}

impl IdMap {
    /// The map as JSON: `{"shift_ms", "guilds", "ids": {"old": ["new in copy 0", …]}}`.
    pub fn to_json(&self) -> Value {
        let ids: Map<String, Value> = self
            .ids
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|n| Value::String(n.to_string())).collect()))
            .collect();
        serde_json::json!({"shift_ms": self.shift_ms, "guilds": self.copies, "ids": ids})
    }

    /// The new id of `old` in copy `k` (`old` itself when it was not rewritten).
    pub fn get(&self, old: u64, k: u32) -> u64 {
        self.ids.get(&old).and_then(|v| v.get(k as usize)).copied().unwrap_or(old)
    }
}

/// A capture ready to be played re-based: the parsed lines and the map.
pub struct Rebased {
    pub map: IdMap,
    /// Lines that were not `{"ts", "t", "d"}` (skipped, as the plain player skips them).
    pub bad_lines: u64,
    lines: Vec<(u64, String, Value)>,
    keep: BTreeSet<u64>,
}

fn id_key(k: &str) -> bool {
    k == "id" || k.ends_with("_id")
}

fn id_list_key(k: &str) -> bool {
    k.ends_with("_ids") || matches!(k, "roles" | "mention_roles" | "exempt_roles" | "exempt_channels" | "messages")
}

fn time_key(k: &str) -> bool {
    k.ends_with("_at") || k.ends_with("_until") || k.ends_with("timestamp") || k == "premium_since"
}

fn as_id(v: &Value) -> Option<u64> {
    let s = v.as_str()?;
    let n: u64 = s.parse().ok()?;
    (n >> LOW_BITS > 0 && !s.starts_with('0')).then_some(n)
}

/// Calls `f` on every id-bearing string of a payload (and mentions in text), mutably.
fn visit(v: &mut Value, key: &str, f: &mut dyn FnMut(&mut Value, Kind)) {
    match v {
        Value::Object(o) => {
            let owners = key == "authorizing_integration_owners";
            for (k, x) in o.iter_mut() {
                if owners && x.is_string() {
                    f(x, Kind::Id);
                } else {
                    visit(x, k, f);
                }
            }
        }
        Value::Array(a) => {
            let list = id_list_key(key);
            for x in a.iter_mut() {
                if list && x.is_string() {
                    f(x, Kind::Id);
                } else {
                    visit(x, key, f);
                }
            }
        }
        Value::String(_) if id_key(key) => f(v, Kind::Id),
        Value::String(_) if time_key(key) => f(v, Kind::Time),
        Value::String(_) => f(v, Kind::Text),
        _ => {}
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Id,
    Time,
    Text,
}

/// The mentions (`<@id>`, `<@!id>`, `<@&id>`, `<#id>`) and `<t:unix…>` of a text, as
/// (start, end, number, is_time) spans of the digits.
fn spans(text: &str) -> Vec<(usize, usize, u64, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' {
            let rest = &text[i + 1..];
            let skip = ["@!", "@&", "@", "#", "t:"].iter().find(|p| rest.starts_with(**p)).map(|p| p.len());
            if let Some(skip) = skip {
                let start = i + 1 + skip;
                let end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
                let closes =
                    b.get(end).is_some_and(|&c| c == b'>' || (skip == 2 && rest.starts_with("t:") && c == b':'));
                if end > start && closes {
                    if let Ok(n) = text[start..end].parse() {
                        out.push((start, end, n, rest.starts_with("t:")));
                    }
                }
                i = end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    out
}

impl Rebased {
    /// Reads a capture and plans its re-basing: times moved so the first event is at
    /// `start_ms`, `copies` guilds, the ids in `keep` unchanged.
    pub fn new(capture: &str, start_ms: u64, copies: u32, keep: &[u64]) -> Rebased {
        let keep: BTreeSet<u64> = keep.iter().copied().collect();
        let mut lines = Vec::new();
        let mut old = BTreeSet::new();
        let mut bad_lines = 0;
        for line in capture.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap_or(Value::Null);
            let (Some(ts), Some(t), Some(d)) =
                (v.get("ts").and_then(Value::as_u64), v.get("t").and_then(Value::as_str), v.get("d"))
            else {
                bad_lines += 1;
                continue;
            };
            let mut d = d.clone();
            visit(&mut d, "", &mut |x, kind| match kind {
                Kind::Id => old.extend(as_id(x)),
                Kind::Text => old.extend(
                    x.as_str()
                        .map(spans)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|s| !s.3)
                        .map(|s| s.2)
                        .filter(|&n| n >> LOW_BITS > 0),
                ),
                Kind::Time => {}
            });
            lines.push((ts, t.to_string(), d));
        }
        let first = lines.first().map_or(start_ms, |l| l.0);
        let shift = start_ms as i64 - first as i64;
        let copies = copies.max(1);
        let mut ids = BTreeMap::new();
        let mut last = 0u64;
        for &o in old.iter().filter(|o| !keep.contains(o)) {
            let ms = (((o >> LOW_BITS) as i64) + shift).max(0) as u64;
            let news: Vec<u64> = (0..copies)
                .map(|_| {
                    let mut n = (ms << LOW_BITS).max(last + 1);
                    while keep.contains(&n) {
                        n += 1;
                    }
                    last = n;
                    n
                })
                .collect();
            ids.insert(o, news);
        }
        Rebased { map: IdMap { shift_ms: shift, copies, ids }, bad_lines, lines, keep }
    }

    /// How many lines (before copying).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn shift(&self, ms: u64) -> u64 {
        (ms as i64 + self.map.shift_ms).max(0) as u64
    }

    /// Line `i` as copy `k`: (new ts, event name, new payload).
    pub fn line(&self, i: usize, k: u32) -> Option<(u64, &str, Value)> {
        let (ts, t, d) = self.lines.get(i)?;
        let mut d = d.clone();
        let map = &self.map;
        visit(&mut d, "", &mut |x, kind| match kind {
            Kind::Id => {
                if let Some(o) = as_id(x) {
                    *x = Value::String(map.get(o, k).to_string());
                }
            }
            Kind::Time => {
                if let Some(t) = x.as_str().and_then(ms_from_iso) {
                    *x = Value::String(iso_from_ms(self.shift(t)));
                }
            }
            Kind::Text => {
                if let Some(s) = x.as_str() {
                    if let Some(new) = self.rewrite_text(s, k) {
                        *x = Value::String(new);
                    }
                }
            }
        });
        Some((self.shift(*ts), t.as_str(), d))
    }

    fn rewrite_text(&self, s: &str, k: u32) -> Option<String> {
        let spans = spans(s);
        if spans.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(s.len() + 8);
        let mut at = 0;
        for (start, end, n, is_time) in spans {
            out.push_str(&s[at..start]);
            let new = if is_time {
                (n as i64 + self.map.shift_ms / 1000).max(0) as u64
            } else if self.keep.contains(&n) {
                n
            } else {
                self.map.get(n, k)
            };
            out.push_str(&new.to_string());
            at = end;
        }
        out.push_str(&s[at..]);
        Some(out)
    }
}

/// A snowflake's creation time (unix ms).
pub fn snowflake_ms(id: u64) -> u64 {
    (id >> LOW_BITS) + DISCORD_EPOCH
}

/// Ids per copy, for a test that wants to know which guild a copy is.
pub fn copies_of(map: &IdMap, old: u64) -> Vec<u64> {
    map.ids.get(&old).cloned().unwrap_or_else(|| vec![old; map.copies.max(1) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const BOT: u64 = 1_275_076_804_608_131_074;

    fn sf(ms: u64, n: u64) -> u64 {
        ((ms - DISCORD_EPOCH) << LOW_BITS) | n
    }

    fn capture() -> (String, u64, u64, u64) {
        let t0 = 1_767_272_400_000u64;
        let (g, u, r) = (sf(t0 - 1_000_000, 1), sf(t0 - 400 * 86_400_000, 2), sf(t0 - 500_000, 3));
        let lines = [
            json!({"ts": t0, "t": "GUILD_CREATE", "d": {"id": g.to_string(), "owner_id": u.to_string(),
                   "roles": [{"id": r.to_string(), "permissions": "1099511627775"}],
                   "members": [{"user": {"id": BOT.to_string()}, "roles": [r.to_string()], "joined_at": "2025-01-01T00:00:00.000+00:00"}]}}),
            json!({"ts": t0 + 1_000, "t": "MESSAGE_CREATE", "d": {"id": sf(t0 + 1_000, 4).to_string(), "guild_id": g.to_string(),
                   "channel_id": sf(t0 - 900_000, 5).to_string(), "author": {"id": u.to_string()},
                   "content": format!("hi <@{u}> <@&{r}> <@!{u}> <#{}> <t:1767272400:R> <@{BOT}>", sf(t0 - 900_000, 5)),
                   "timestamp": "2026-01-01T13:00:01.000+00:00", "nonce": "1455223885367739957",
                   "member": {"roles": [r.to_string()], "joined_at": "2025-06-01T00:00:00.000+00:00", "permissions": "8"}}}),
        ];
        (lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n"), g, u, r)
    }

    #[test]
    fn times_and_ids_move_together() {
        let (text, g, u, r) = capture();
        let now = 1_800_000_000_000;
        let rb = Rebased::new(&text, now, 1, &[BOT]);
        let shift = rb.map.shift_ms;
        assert_eq!(shift, now as i64 - 1_767_272_400_000);
        let (ts, t, d) = rb.line(0, 0).unwrap();
        assert_eq!((ts, t), (now, "GUILD_CREATE"));
        let g2 = rb.map.get(g, 0);
        assert_eq!(d["id"], g2.to_string());
        assert_eq!(snowflake_ms(g2) as i64, snowflake_ms(g) as i64 + shift, "the guild's age is kept");
        assert_eq!(d["members"][0]["user"]["id"], BOT.to_string(), "the bot stays itself");
        assert_eq!(d["roles"][0]["permissions"], "1099511627775", "permissions are not ids");
        assert_eq!(
            d["members"][0]["joined_at"],
            iso_from_ms((ms_from_iso("2025-01-01T00:00:00Z").unwrap() as i64 + shift) as u64)
        );
        let (_, _, m) = rb.line(1, 0).unwrap();
        let (u2, r2) = (rb.map.get(u, 0), rb.map.get(r, 0));
        assert_eq!(m["author"]["id"], u2.to_string());
        assert_eq!(m["member"]["roles"][0], r2.to_string());
        assert_eq!(m["nonce"], "1455223885367739957");
        let content = m["content"].as_str().unwrap();
        assert!(content.starts_with(&format!("hi <@{u2}> <@&{r2}> <@!{u2}> <#")), "{content}");
        assert!(content.contains(&format!("<t:{}:R>", 1_767_272_400 + shift / 1000)), "{content}");
        assert!(content.ends_with(&format!("<@{BOT}>")), "{content}");
        assert_eq!(m["timestamp"], iso_from_ms(now + 1_000));
    }

    #[test]
    fn copies_are_distinct_guilds() {
        let (text, g, u, _) = capture();
        let rb = Rebased::new(&text, 1_800_000_000_000, 3, &[BOT]);
        let gs = copies_of(&rb.map, g);
        assert_eq!(gs.len(), 3);
        assert!(gs[0] < gs[1] && gs[1] < gs[2]);
        for k in 0..3 {
            let (_, _, m) = rb.line(1, k).unwrap();
            assert_eq!(m["guild_id"], gs[k as usize].to_string());
            assert_eq!(m["author"]["id"], rb.map.get(u, k).to_string());
        }
        let json = rb.map.to_json();
        assert_eq!(json["ids"][g.to_string()].as_array().unwrap().len(), 3);
        assert_eq!(Rebased::new("{\"ts\": 1}\nnot json", 0, 1, &[]).bad_lines, 2);
    }

    proptest! {
        #[test]
        fn order_and_ages_are_kept(mut olds in proptest::collection::btree_set(1u64 << 40..1u64 << 62, 1..40), copies in 1u32..4) {
            olds.remove(&BOT);
            let text: String = olds.iter().enumerate()
                .map(|(i, o)| json!({"ts": 1_767_272_400_000u64 + i as u64, "t": "X", "d": {"user_id": o.to_string()}}).to_string() + "\n")
                .collect();
            let rb = Rebased::new(&text, 1_900_000_000_000, copies, &[BOT]);
            let mut prev = 0;
            for &o in &olds {
                for k in 0..copies {
                    let n = rb.map.get(o, k);
                    prop_assert!(n > prev, "new ids are strictly increasing in old order");
                    prev = n;
                    let age = snowflake_ms(n) as i64 - snowflake_ms(o) as i64;
                    prop_assert_eq!(age, rb.map.shift_ms, "creation time kept to the ms");
                }
            }
        }

        #[test]
        fn text_never_panics(s in "[<@&#!t:0-9> a-z]{0,40}") {
            let _ = spans(&s);
        }
    }
}
