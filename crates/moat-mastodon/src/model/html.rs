//! A status's `content` is HTML made by Mastodon's formatter (or by a remote server's, which
//! is sanitised on arrival to the same small set: `p`, `br`, `a`, `span`, a few more). The
//! engine wants the words a reader sees and the links a reader can click, so this turns that
//! HTML into plain text (paragraphs and line breaks kept as newlines, entities decoded) and
//! the list of link targets, leaving out mentions and hashtags (`class="mention"`), which the
//! status lists on their own. It is not a general HTML parser and never fails: malformed
//! markup degrades to text.

/// The visible text and the link targets of a status's HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub links: Vec<String>,
}

/// Decodes the character references Mastodon and common servers emit; others stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        n => {
            let code = match n.strip_prefix('#') {
                Some(h) if h.starts_with(['x', 'X']) => u32::from_str_radix(&h[1..], 16).ok()?,
                Some(d) => d.parse().ok()?,
                None => return None,
            };
            char::from_u32(code)
        }
    }
}

/// One tag: its lowercased name, whether it closes, and the attributes moat reads.
struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
    class: String,
}

fn parse_tag(inner: &str) -> Tag {
    let inner = inner.trim();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let name_len = inner.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(inner.len());
    let mut tag = Tag { name: inner[..name_len].to_ascii_lowercase(), closing, href: None, class: String::new() };
    let mut rest = &inner[name_len..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let (value, next) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                Some(e) => (&after[1..1 + e], &after[e + 2..]),
                None => (&after[1..], ""),
            },
            _ => {
                let e = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..e], &after[e..])
            }
        };
        // A key with spaces means a valueless attribute before it: keep the last word.
        let key = key.rsplit(char::is_whitespace).next().unwrap_or("");
        match key {
            "href" => tag.href = Some(decode_entities(value)),
            "class" => tag.class = value.to_string(),
            _ => {}
        }
        rest = next;
    }
    tag
}

/// Renders a status's HTML into its text and links.
pub fn render(html: &str) -> Rendered {
    let mut r = Rendered::default();
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            text.push_str(&rest[lt..]);
            rest = "";
            break;
        };
        let tag = parse_tag(&rest[lt + 1..lt + gt]);
        rest = &rest[lt + gt + 1..];
        match (tag.name.as_str(), tag.closing) {
            ("br", _) => text.push('\n'),
            ("p", true) => text.push_str("\n\n"),
            ("a", false) => {
                let tagged = tag.class.split_whitespace().any(|c| c == "mention" || c == "hashtag");
                if let Some(href) =
                    tag.href.filter(|h| !tagged && (h.starts_with("http://") || h.starts_with("https://")))
                {
                    r.links.push(href);
                }
            }
            _ => {}
        }
    }
    text.push_str(rest);
    r.text = decode_entities(text.trim_end());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_markup_to_text_and_links() {
        let html = concat!(
            "<p>Hi <span class=\"h-card\" translate=\"no\"><a href=\"https://here.example/@bob\" class=\"u-url mention\">@<span>bob</span></a></span> &amp; ",
            "<a href=\"https://here.example/tags/spam\" class=\"mention hashtag\" rel=\"tag\">#<span>spam</span></a></p>",
            "<p>join <a href=\"https://discord.gg/abc?x=1&amp;y=2\" target=\"_blank\" rel=\"nofollow noopener\"><span class=\"invisible\">https://</span><span>discord.gg/abc</span></a><br />now &#39;ok&#x27;</p>"
        );
        let r = render(html);
        assert_eq!(r.text, "Hi @bob & #spam\n\njoin https://discord.gg/abc\nnow 'ok'");
        assert_eq!(r.links, vec!["https://discord.gg/abc?x=1&y=2"]);
    }

    #[test]
    fn junk_degrades_to_text() {
        assert_eq!(render("a < b").text, "a < b");
        assert_eq!(render("<a href=javascript:x>x</a>").links, Vec::<String>::new());
        assert_eq!(render("<a href='http://x.example/'>x</a>").links, vec!["http://x.example/"]);
        assert_eq!(render("&bogus; &#xZZ; &").text, "&bogus; &#xZZ; &");
        assert_eq!(decode_entities("&#128512;"), "😀");
        assert_eq!(render("").text, "");
    }
}
