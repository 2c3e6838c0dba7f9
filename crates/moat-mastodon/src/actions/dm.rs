//! The direct message to admins: `@admin1 @admin2 text`, fitted into the server's character
//! limit (500 by default) as Mastodon counts it (a URL is 23 characters, a mention's
//! `@domain` part is free), and defused: every `@` in moat's text becomes `＠` (U+FF20), so a
//! spammer's name quoted in it can never become a mention that notifies them.

/// What Mastodon counts a link as.
const URL_LENGTH: usize = 23;

/// The length Mastodon's `StatusLengthValidator` counts.
pub fn countable_length(text: &str) -> usize {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end_matches(char::is_whitespace);
            let space = word.chars().count() - trimmed.chars().count();
            space
                + if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
                    URL_LENGTH
                } else if let Some(rest) = trimmed.strip_prefix('@') {
                    1 + rest.split('@').next().unwrap_or("").chars().count()
                } else {
                    trimmed.chars().count()
                }
        })
        .sum()
}

/// Replaces every `@` with a full-width `＠`, which no server parses as a mention.
pub fn defuse(text: &str) -> String {
    text.replace('@', "\u{FF20}")
}

/// The status text: the admins' mentions, then the defused text, cut (at a word when it can,
/// with `…`) to fit `max_chars`. `None` if the mentions alone do not fit.
pub fn compose(admins: &[String], text: &str, max_chars: usize) -> Option<String> {
    let head: String = admins.iter().map(|a| format!("@{} ", a.trim_start_matches('@'))).collect();
    let budget = max_chars.checked_sub(countable_length(&head))?;
    let body = defuse(text.trim());
    if countable_length(&body) <= budget {
        return Some(format!("{head}{body}"));
    }
    // Cut word by word (links count 23 whatever their length), leaving room for "…".
    let mut out = String::new();
    for word in body.split_inclusive(char::is_whitespace) {
        if countable_length(&out) + countable_length(word.trim_end()) + 1 > budget {
            break;
        }
        out.push_str(word);
    }
    if out.trim().is_empty() {
        out = body.chars().take(budget.saturating_sub(1)).collect();
    }
    Some(format!("{head}{}…", out.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_mastodon() {
        assert_eq!(countable_length("see https://example.com/a/very/long/path now"), 4 + 23 + 4);
        assert_eq!(countable_length("@admin@far.example hi"), 6 + 1 + 2);
    }

    #[test]
    fn fits_and_never_mentions_anyone_else() {
        let admins = vec!["alice".to_string(), "bob@other.example".to_string()];
        let m = compose(&admins, "wave: 30 accounts like @xkq3v9z2pl silenced", 500).expect("fits");
        assert_eq!(m, "@alice @bob@other.example wave: 30 accounts like ＠xkq3v9z2pl silenced");
        let long = "word ".repeat(400);
        let m = compose(&admins, &long, 500).expect("fits");
        assert!(countable_length(&m) <= 500, "{}", countable_length(&m));
        assert!(m.ends_with("word…"));
        let one = "x".repeat(1000);
        assert!(countable_length(&compose(&admins, &one, 500).expect("fits")) <= 500);
        assert_eq!(compose(&admins, "hi", 10), None, "the mentions alone are too long");
        let m = compose(&admins, "see @spammer@evil.example and @x", 500).expect("fits");
        assert!(!m["@alice @bob@other.example ".len()..].contains('@'), "only the admins are mentioned: {m}");
    }
}
