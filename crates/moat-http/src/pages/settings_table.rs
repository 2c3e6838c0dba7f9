//! Every setting a guild may change, with its default and meaning, read from the one
//! document of them all: `moat.example.toml` (which a moat-core test holds to the engine's
//! defaults). A key the file does not comment on takes its meaning from [`MEANINGS`].
//!
//! Only the engine's sections are listed; the operator's sections (`[discord]`, `[http]`,
//! `[store]`...) and their secrets never reach a guild's page.

/// Sections a guild may change (as `/moat setting` allows).
pub const SECTIONS: &[&str] = &["pressure", "mentions", "raid", "campaign", "scam", "scraper", "escalation", "exempt"];

const EXAMPLE: &str = include_str!("../../../../moat.example.toml");

/// Meanings of the keys the example file leaves uncommented.
const MEANINGS: &[(&str, &str, &str)] = &[
    ("*", "enabled", "whether this detector runs at all"),
    ("pressure", "limit", "pressure above which a member is contained"),
    ("pressure", "delete_recent_secs", "on containment, also delete the member's messages of this many seconds"),
    ("mentions", "window_secs", "the window per_window counts over"),
    ("mentions", "everyone_weight", "an @everyone or @here counts as this many mentions"),
    ("raid", "fast_window_secs", "the short window: a burst of joins"),
    ("raid", "fast_min_joins", "joins in the short window that can make a raid"),
    ("raid", "slow_window_secs", "the long window: a raid trickling in"),
    ("raid", "slow_min_joins", "joins in the long window that can make a raid"),
    ("raid", "rate_factor", "joins must also exceed this many times the guild's usual rate"),
    ("raid", "raid_mean_suspicion", "mean suspicion (0 to 1) of a window's joiners that makes it a raid"),
    ("raid", "newcomer_minutes", "members who joined less than this ago count as newcomers"),
    ("raid", "contain_secs", "how long raid members stay contained"),
    ("campaign", "min_channels", "the same message in this many channels is a campaign"),
    ("campaign", "channel_window_secs", "...within this many seconds"),
    ("campaign", "min_accounts", "the same message from this many young accounts is a campaign"),
    ("campaign", "account_window_secs", "...within this many seconds"),
    ("campaign", "new_account_days", "accounts younger than this count as young"),
    ("scam", "check_edits", "judge the links of edited messages too"),
    ("scraper", "min_guilds", "joining this many protected servers marks a possible scraper"),
    ("scraper", "window_hours", "...within this many hours"),
    ("escalation", "ladder", "what each repeated offence leads to, in order"),
    ("exempt", "roles", "role ids moat never acts on"),
    ("exempt", "users", "user ids moat never acts on"),
    ("exempt", "bots", "leave other bots alone"),
];

/// One setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub section: &'static str,
    pub name: String,
    /// As TOML, the way the file writes it.
    pub default: String,
    pub meaning: String,
}

/// One section: its introduction (the file's comment above it) and its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: &'static str,
    pub intro: String,
    pub keys: Vec<Key>,
}

fn meaning_of(section: &str, key: &str) -> String {
    MEANINGS
        .iter()
        .find(|(s, k, _)| *k == key && (*s == section || *s == "*"))
        .map_or(String::new(), |(_, _, m)| m.to_string())
}

/// The value and comment of `key = value  # comment`, minding `#` inside quotes.
fn split_comment(rest: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in rest.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return (rest[..i].trim(), rest[i + 1..].trim()),
            _ => {}
        }
    }
    (rest.trim(), "")
}

/// Every guild setting, in the file's order.
pub fn sections() -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut comment: Vec<String> = Vec::new();
    let mut current: Option<&'static str> = None;
    for line in EXAMPLE.lines() {
        let l = line.trim();
        if let Some(name) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            current = SECTIONS.iter().copied().find(|s| *s == name);
            if let Some(name) = current {
                // The first line is the section's title (`# ── Title ──`): end it with a stop.
                let mut intro = String::new();
                for (i, c) in comment.iter().filter(|c| !c.starts_with('─')).enumerate() {
                    if i == 1 && !intro.ends_with(['.', ':', '!', '?']) {
                        intro.push('.');
                    }
                    if i > 0 {
                        intro.push(' ');
                    }
                    intro.push_str(c);
                }
                out.push(Section { name, intro, keys: Vec::new() });
            }
            comment.clear();
        } else if let Some(c) = l.strip_prefix('#') {
            let c = c.trim().trim_start_matches('─').trim().trim_end_matches('─').trim();
            if !c.is_empty() {
                comment.push(c.to_string());
            }
        } else if let (Some(section), Some((key, rest))) = (current, l.split_once('=')) {
            let (default, note) = split_comment(rest);
            let meaning = if note.is_empty() { meaning_of(section, key.trim()) } else { note.to_string() };
            if let Some(s) = out.last_mut() {
                s.keys.push(Key { section, name: key.trim().to_string(), default: default.to_string(), meaning });
            }
        } else if l.is_empty() {
            comment.clear();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_and_key_has_a_default_and_a_meaning() {
        let s = sections();
        let names: Vec<&str> = s.iter().map(|s| s.name).collect();
        assert_eq!(names, SECTIONS);
        let limit = s[0].keys.iter().find(|k| k.name == "limit").unwrap();
        assert_eq!(limit.default, "60.0");
        for sec in &s {
            assert!(!sec.keys.is_empty(), "{}", sec.name);
            for k in &sec.keys {
                assert!(
                    !k.default.is_empty() && !k.meaning.is_empty(),
                    "{}.{} lacks a default or meaning",
                    sec.name,
                    k.name
                );
            }
        }
        let ladder =
            s.iter().find(|x| x.name == "escalation").unwrap().keys.iter().find(|k| k.name == "ladder").unwrap();
        assert!(ladder.default.starts_with('['), "{}", ladder.default);
        assert!(s.iter().all(|x| x.keys.iter().all(|k| k.name != "token")), "no operator key");
    }
}
