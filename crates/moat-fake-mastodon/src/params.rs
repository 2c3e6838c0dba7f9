//! Request parameters as Rails sees them: the query string, then the body (form-encoded or
//! JSON), merged into one list of `(name, value)` pairs. `name[]` arrays keep every value.
//! Nothing here panics on junk: a body that is not valid JSON is an error the route turns
//! into Mastodon's 400, anything else is taken as text.

use serde_json::Value;

/// Why a body could not be read as parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the body is not valid JSON")]
pub struct ParamsError;

/// The parameters of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

fn push_json(pairs: &mut Vec<(String, String)>, key: &str, v: &Value) {
    match v {
        Value::Null => {}
        Value::String(s) => pairs.push((key.to_string(), s.clone())),
        Value::Bool(b) => pairs.push((key.to_string(), b.to_string())),
        Value::Number(n) => pairs.push((key.to_string(), n.to_string())),
        Value::Array(items) => {
            for item in items {
                if !item.is_array() && !item.is_object() {
                    push_json(pairs, key, item);
                }
            }
        }
        Value::Object(_) => {}
    }
}

impl Params {
    /// Reads the query string and the body (`content_type` decides how).
    pub fn parse(query: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Result<Params, ParamsError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(q) = query {
            pairs.extend(form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())));
        }
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        if ct.starts_with("application/json") {
            if !body.iter().all(u8::is_ascii_whitespace) {
                let v: Value = serde_json::from_slice(body).map_err(|_| ParamsError)?;
                if let Value::Object(map) = v {
                    for (k, v) in &map {
                        push_json(&mut pairs, k, v);
                    }
                }
            }
        } else if !body.is_empty() {
            pairs.extend(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())));
        }
        for (k, _) in &mut pairs {
            if let Some(base) = k.strip_suffix("[]") {
                *k = base.to_string();
            }
        }
        Ok(Params { pairs })
    }

    /// The first value of `key`, if any (even an empty one).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The first value of `key` when it is "present" in Rails' sense (not blank).
    pub fn present(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Every value of `key` (for `key[]=a&key[]=b`).
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    /// `key` cast to a boolean as ActiveModel does (`0`, `f`, `false`, `off` are false,
    /// anything else present is true); `None` when it is blank or absent.
    pub fn flag(&self, key: &str) -> Option<bool> {
        let v = self.present(key)?;
        Some(!matches!(v.to_ascii_lowercase().as_str(), "0" | "f" | "false" | "off"))
    }

    /// `key` as a whole number, when it is one.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.present(key)?.parse().ok()
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_form_and_json_merge() {
        let p = Params::parse(
            Some("limit=5&role_ids[]=1&role_ids[]=2"),
            Some("application/x-www-form-urlencoded"),
            b"type=silence&text=a%20b+c",
        )
        .expect("valid");
        assert_eq!(p.get("limit"), Some("5"));
        assert_eq!(p.all("role_ids"), vec!["1", "2"]);
        assert_eq!(p.get("text"), Some("a b c"));
        let j = Params::parse(
            None,
            Some("application/json; charset=utf-8"),
            br#"{"type":"suspend","send_email_notification":false,"expires_in":3600,"x":null}"#,
        )
        .expect("valid");
        assert_eq!(j.get("type"), Some("suspend"));
        assert_eq!(j.flag("send_email_notification"), Some(false));
        assert_eq!(j.int("expires_in"), Some(3600));
        assert_eq!(j.get("x"), None);
        assert!(Params::parse(None, Some("application/json"), b"{nope").is_err());
        assert_eq!(Params::parse(None, Some("application/json"), b"  ").expect("blank is empty"), Params::default());
    }
}
