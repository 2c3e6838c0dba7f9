//! Every call a client made, so tests assert on what moat *did* (which calls, in which order,
//! at what time on the clock) and `moat demo --json` can count them. Tokens are never kept:
//! a call carries the token's id; secrets in OAuth bodies are blanked.

/// One HTTP call (a WebSocket upgrade is one too).
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The path, e.g. `/api/v1/admin/accounts/7/action`.
    pub path: String,
    /// The query string, if any (`access_token` blanked).
    pub query: Option<String>,
    /// The request body as sent (OAuth secrets blanked).
    pub body: String,
    pub status: u16,
    /// When it was answered, on the fake's clock (unix ms).
    pub at_ms: u64,
    /// The id of the token it used (`None`: no valid token).
    pub token_id: Option<u64>,
}

impl Call {
    /// Whether this call is `METHOD` on a path that ends with `suffix`.
    pub fn is(&self, method: &str, suffix: &str) -> bool {
        self.method == method && self.path.ends_with(suffix)
    }

    /// Whether the call changed something a moderator would see (not a read, not an error).
    pub fn is_action(&self) -> bool {
        self.method != "GET" && (200..300).contains(&self.status)
    }

    /// The route with ids replaced by `:id`, e.g. `POST /api/v1/admin/accounts/:id/action`.
    pub fn route(&self) -> String {
        let template: Vec<&str> = self
            .path
            .split('/')
            .map(|seg| if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) { ":id" } else { seg })
            .collect();
        format!("{} {}", self.method, template.join("/"))
    }
}

/// Blanks the values of secret parameters in a form or JSON body or a query string.
pub(crate) fn redact(text: &str) -> String {
    const SECRET: [&str; 4] = ["client_secret", "code", "access_token", "refresh_token"];
    if text.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(mut m)) = serde_json::from_str::<serde_json::Value>(text) {
            for k in SECRET {
                if m.contains_key(k) {
                    m.insert(k.into(), "[redacted]".into());
                }
            }
            return serde_json::Value::Object(m).to_string();
        }
        return text.to_string();
    }
    if !SECRET.iter().any(|k| text.contains(k)) {
        return text.to_string();
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(text.as_bytes()) {
        let v = if SECRET.contains(&k.as_ref()) { "[redacted]".into() } else { v };
        out.append_pair(&k, &v);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_blanked() {
        assert_eq!(
            redact("grant_type=authorization_code&code=abc&client_secret=s"),
            "grant_type=authorization_code&code=%5Bredacted%5D&client_secret=%5Bredacted%5D"
        );
        assert!(!redact(r#"{"client_secret":"s","x":1}"#).contains("\"s\""));
        assert_eq!(redact("type=silence"), "type=silence");
    }
}
