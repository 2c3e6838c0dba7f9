//! A day of one busy guild, as Discord sends it: the capture `moat bench` measures.
//!
//! Benchmarks on tidy, minimal payloads flatter the parser. Real `MESSAGE_CREATE`s carry
//! the author's whole profile and member object, replies carry the message they answer,
//! links unfurl into embeds, pictures come with their attachment records; a line averages
//! about 930 bytes. [`day_of_traffic`] writes ordinary chat of that shape from thousands of
//! members over 24 hours (mentions on about 8% of messages, embeds on about 5%,
//! attachments on 3%, replies on 3%, edits on 3%), then mixes every attack scenario of [`crate::scenarios`]
//! in, each in its own guild, so the engine has its real work to do as well.

use moat_core::time::DAY;
use moat_core::Millis;
use serde_json::{json, Value};

use crate::payload::iso;
use crate::world::{Person, World, CHAT, LINKS};
use crate::{scenarios, Rng};

/// Words ordinary sentences are made of.
const WORDS: &[&str] = &[
    "the",
    "a",
    "I",
    "you",
    "we",
    "it",
    "that",
    "this",
    "was",
    "is",
    "so",
    "just",
    "really",
    "think",
    "game",
    "match",
    "stream",
    "patch",
    "server",
    "build",
    "boss",
    "level",
    "team",
    "tonight",
    "later",
    "yesterday",
    "again",
    "maybe",
    "never",
    "always",
    "honestly",
    "pretty",
    "good",
    "bad",
    "weird",
    "funny",
    "new",
    "old",
    "update",
    "map",
    "queue",
    "ranked",
    "friend",
    "clip",
    "video",
    "music",
    "song",
    "album",
    "coffee",
    "work",
    "school",
    "weekend",
    "plan",
    "idea",
    "question",
    "answer",
    "help",
    "thanks",
    "sorry",
    "wait",
    "because",
    "but",
    "and",
    "or",
    "with",
    "for",
    "about",
    "when",
    "how",
    "why",
    "what",
    "who",
    "did",
    "does",
    "can",
    "could",
    "would",
    "should",
    "have",
    "has",
    "had",
    "get",
    "got",
    "make",
    "made",
    "play",
    "played",
    "watch",
    "watched",
    "try",
    "tried",
    "love",
    "hate",
];

/// An ordinary chat message: a stock line, or a sentence of a few to many words.
fn chat_text(rng: &Rng) -> String {
    if rng.chance(0.5) {
        return rng.pick(CHAT).to_string();
    }
    let n = 3 + rng.below(if rng.chance(0.08) { 40 } else { 10 }) as usize;
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        let word: &&str = rng.pick(WORDS);
        s.push_str(word);
    }
    if rng.chance(0.3) {
        let end: &&str = rng.pick(&["!", "?", " lol", " :)", " 😂", "..."]);
        s.push_str(end);
    }
    s
}

fn avatar(id: u64) -> Value {
    Value::String(format!("{:032x}", id.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

/// A user object as Discord sends it in messages today.
fn user(p: &Person) -> Value {
    json!({
        "id": p.id.to_string(), "username": p.name, "discriminator": "0",
        "global_name": p.name.split('.').next().map(|n| n[..1].to_uppercase() + &n[1..]),
        "avatar": if p.avatar { avatar(p.id) } else { Value::Null }, "public_flags": 0, "flags": 0,
        "banner": null, "accent_color": null, "avatar_decoration_data": null,
    })
}

fn member(p: &Person) -> Value {
    json!({
        "roles": p.roles.iter().map(u64::to_string).collect::<Vec<_>>(), "joined_at": iso(p.joined),
        "premium_since": null, "deaf": false, "mute": false, "flags": 0, "pending": false, "nick": null,
        "avatar": null, "communication_disabled_until": null,
    })
}

fn mention(p: &Person) -> Value {
    let mut u = user(p);
    u["member"] = member(p);
    u
}

fn embed(link: &str, rng: &Rng) -> Value {
    let host = link.split('/').nth(2).unwrap_or("example.com");
    json!({
        "type": if link.contains("youtube") || link.contains("twitch") { "video" } else { "link" },
        "url": link, "title": format!("{} - a page worth sharing ({})", host, rng.below(10_000)),
        "description": "A longer description of what the link is about, as the site's own preview says it, \
                        cut by Discord after a sentence or two so it fits the embed.",
        "color": 16_711_680,
        "provider": {"name": host, "url": format!("https://{host}")},
        "thumbnail": {"url": format!("https://{host}/thumb/{}.jpg", rng.below(1_000_000)),
                      "proxy_url": format!("https://images-ext-1.discordapp.net/external/{:016x}/https/{host}/thumb.jpg", rng.next()),
                      "width": 1280, "height": 720, "placeholder": "3PcNNYSFeXh/d3eld0iHZoZgVwh2", "placeholder_version": 1, "flags": 0},
        "content_scan_version": 2,
    })
}

fn attachment(id: u64, channel: u64, rng: &Rng) -> Value {
    let name = format!("IMG_{:04}.png", rng.below(10_000));
    json!({
        "id": id.to_string(), "filename": name, "size": 120_000 + rng.below(2_000_000),
        "url": format!("https://cdn.discordapp.com/attachments/{channel}/{id}/{name}?ex=6760f1e2&is=675fa062&hm={:064x}&", rng.next()),
        "proxy_url": format!("https://media.discordapp.net/attachments/{channel}/{id}/{name}?ex=6760f1e2&is=675fa062&hm={:064x}&", rng.next()),
        "width": 1920, "height": 1080, "content_type": "image/png", "content_scan_version": 2,
        "placeholder": "2fcJDIRnh3aIeHeIeHiIh4d4CA==", "placeholder_version": 1,
    })
}

/// What varies between messages.
struct Shape<'a> {
    id: u64,
    channel: u64,
    at: Millis,
    content: &'a str,
    mentions: &'a [&'a Person],
    embeds: Vec<Value>,
    attachments: Vec<Value>,
    /// A reply carries the message it answers.
    reply_to: Option<Value>,
    edited: Option<Millis>,
}

fn message(w: &World, p: &Person, s: &Shape) -> Value {
    let mut m = json!({
        "type": if s.reply_to.is_some() { 19 } else { 0 }, "tts": false, "timestamp": iso(s.at), "pinned": false,
        "mentions": s.mentions.iter().map(|&q| mention(q)).collect::<Vec<_>>(),
        "mention_roles": [], "mention_everyone": false, "member": member(p), "id": s.id.to_string(), "flags": 0,
        "embeds": s.embeds, "edited_timestamp": s.edited.map(iso), "content": s.content, "components": [],
        "channel_id": s.channel.to_string(), "author": user(p), "attachments": s.attachments,
        "guild_id": w.guild.to_string(),
    });
    if let Some(r) = &s.reply_to {
        m["message_reference"] = json!({"type": 0, "channel_id": s.channel.to_string(), "message_id": r["id"], "guild_id": w.guild.to_string()});
        m["referenced_message"] = r.clone();
    }
    m
}

/// A message `p` posted earlier in channel `channel`, as a reply quotes it.
fn quoted(w: &World, p: &Person, channel: u64, at: Millis, rng: &Rng) -> Value {
    let id = ((at - moat_discord_wire::snowflake::DISCORD_EPOCH_MS) << 22) | (rng.next() & 0x3F_FFFF);
    let text = chat_text(rng);
    let s = Shape {
        id,
        channel,
        at,
        content: &text,
        mentions: &[],
        embeds: vec![],
        attachments: vec![],
        reply_to: None,
        edited: None,
    };
    let mut m = message(w, p, &s);
    if let Some(o) = m.as_object_mut() {
        o.remove("member");
        o.remove("guild_id");
    }
    m
}

/// Ordinary chat among `w`'s regulars from `from` for `ms`, about `per_min` messages a
/// minute, in Discord's full payload shapes.
pub fn rich_chat(w: &mut World, from: Millis, ms: Millis, per_min: u64) {
    let n = ms * per_min / 60_000;
    for _ in 0..n {
        let rng = w.rng.clone();
        let at = from + rng.below(ms);
        let p = w.regulars[rng.below(w.regulars.len() as u64) as usize].clone();
        let channel = w.channels[rng.below(w.channels.len() as u64) as usize];
        let id = w.message_id(at);
        let roll = rng.below(1000);
        let friend = w.regulars[rng.below(w.regulars.len() as u64) as usize].clone();
        let mut content = chat_text(&rng);
        let mut s = Shape {
            id,
            channel,
            at,
            content: "",
            mentions: &[],
            embeds: vec![],
            attachments: vec![],
            reply_to: None,
            edited: None,
        };
        let mentioned = [&friend];
        if roll < 80 {
            content = format!("<@{}> {content}", friend.id);
            s.mentions = &mentioned;
        } else if roll < 130 {
            let link = *rng.pick(LINKS);
            content = format!("{content} {link}");
            s.embeds.push(embed(link, &rng));
        } else if roll < 160 {
            s.attachments.push(attachment(id + 1, channel, &rng));
        } else if roll < 190 {
            let earlier = at.saturating_sub(1_000 + rng.below(600_000));
            s.reply_to = Some(quoted(w, &friend, channel, earlier, &rng));
        }
        s.content = &content;
        let d = message(w, &p, &s);
        w.push(at, "MESSAGE_CREATE", d);
        if rng.chance(0.03) {
            let fixed = format!("{content} (edit: typo)");
            let edit = Shape { content: &fixed, edited: Some(at + 5_000 + rng.below(60_000)), ..s };
            let d = message(w, &p, &edit);
            w.push(edit.edited.unwrap_or(at), "MESSAGE_UPDATE", d);
        }
        w.rng = rng;
    }
}

/// A day of one busy guild: `events` messages of ordinary chat from `users` members over 24
/// hours, plus every attack scenario (each in its own guild), sorted by time.
pub fn day_of_traffic(events: u64, users: usize) -> String {
    let start = 1_767_225_600_000; // 2026-01-01 00:00 UTC
    let mut w = World::new(42, start, users);
    let per_min = (events * 60_000 / DAY).max(1);
    rich_chat(&mut w, start, DAY, per_min);
    let mut capture = w.capture();
    for (i, (_, gen)) in scenarios::ALL.iter().enumerate() {
        let sc = gen(1000 + i as u64);
        capture.push_str(&sc.capture);
    }
    sort_capture(&capture)
}

/// Sorts capture lines by `ts` (stably), as a capture is.
fn sort_capture(capture: &str) -> String {
    let mut lines: Vec<(u64, &str)> = capture
        .lines()
        .map(|l| {
            let ts = l.get(6..).and_then(|r| r.split(',').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
            (ts, l)
        })
        .collect();
    lines.sort_by_key(|(ts, _)| *ts);
    let mut out = String::with_capacity(capture.len());
    for (_, l) in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_discord_wire::capture::parse_line;

    #[test]
    fn the_day_is_sorted_parses_and_looks_like_discord() {
        let c = day_of_traffic(3_000, 200);
        let mut last = 0;
        let (mut chat_bytes, mut chat_lines) = (0usize, 0usize);
        for l in c.lines() {
            let ev = parse_line(l).expect("parses");
            assert!(ev.ts >= last);
            last = ev.ts;
            if l.contains("\"t\":\"MESSAGE_") {
                chat_bytes += l.len();
                chat_lines += 1;
            }
        }
        assert!(chat_lines > 2_500);
        let mean = chat_bytes / chat_lines;
        assert!((850..1050).contains(&mean), "messages average {mean} bytes");
    }
}
