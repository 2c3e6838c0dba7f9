//! Discord's own OpenAPI spec (vendored in `spec/openapi.json`, MIT, see `spec/README.md`),
//! used to hold every REST call the fake receives to the real API's shapes.
//!
//! [`Spec::check`] finds the operation for a method and path (literal segments win over
//! parameters, as on Discord: `/users/@me` is not `/users/{user_id}`), checks the path and
//! query parameters, and validates a JSON body against the operation's request-body schema
//! with the [`schema`] validator. It returns what is wrong, as strings; what to do with them
//! (record them with the call, or refuse the call with a 400) is the caller's choice, see
//! [`crate::SpecMode`].
//!
//! The spec knows nothing of behaviour (deadlines, bans, limits over time): those live in the
//! fake's own modules. Routes outside the spec (OAuth2's `/oauth2/token`) are not checked.

pub mod schema;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use schema::Validator;

/// The trimmed spec, compiled into the crate.
const SPEC_JSON: &str = include_str!("../../spec/openapi.json");

/// One path segment of a route template.
#[derive(Debug)]
enum Seg {
    Lit(String),
    Param(String),
}

/// One operation (method on a path) of the spec.
#[derive(Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub template: String,
    segs: Vec<Seg>,
    /// Parameter name → (where, schema, required).
    params: Vec<(String, String, Value, bool)>,
    /// The JSON request-body schema, and whether a body is required; `None` when the
    /// operation takes no JSON body. `multipart` notes a body that may come as form data.
    body: Option<(Option<Value>, bool)>,
    /// Whether the operation can be called with a bot token (else OAuth2 or no auth only).
    pub bot_auth: bool,
}

/// The parsed spec.
pub struct Spec {
    ops: Vec<Operation>,
    schemas: HashMap<String, Value>,
}

/// The spec every fake shares (parsed once).
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec::parse(SPEC_JSON).unwrap_or_else(|| Spec { ops: Vec::new(), schemas: HashMap::new() }))
}

fn segs(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl Spec {
    /// Reads an OpenAPI document; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Spec> {
        let doc: Value = serde_json::from_str(text).ok()?;
        let schemas: HashMap<String, Value> =
            doc.pointer("/components/schemas")?.as_object()?.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut ops = Vec::new();
        for (template, item) in doc.get("paths")?.as_object()? {
            let shared: Vec<Value> = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            for (method, op) in item.as_object()? {
                if method == "parameters" {
                    continue;
                }
                ops.push(Operation::parse(template, method, op, &shared));
            }
        }
        Some(Spec { ops, schemas })
    }

    /// How many operations the spec has.
    pub fn operations(&self) -> usize {
        self.ops.len()
    }

    /// The operation for `method` on `path` (after `/api/v10`, without the query).
    pub fn operation(&self, method: &str, path: &str) -> Result<&Operation, String> {
        let segs = segs(path);
        let mut matching: Vec<&Operation> = self.ops.iter().filter(|o| o.matches(&segs)).collect();
        if matching.is_empty() {
            return Err(format!("{method} {path}: no such route in Discord's API"));
        }
        // The most literal template first: `/users/@me` before `/users/{user_id}`.
        matching.sort_by_key(|o| std::cmp::Reverse(o.literals()));
        let best = matching[0].literals();
        let templates: Vec<&Operation> = matching.iter().copied().filter(|o| o.literals() == best).collect();
        templates
            .iter()
            .chain(matching.iter())
            .find(|o| o.method.eq_ignore_ascii_case(method))
            .copied()
            .ok_or_else(|| format!("{method} {path}: {} has no {method}", templates[0].template))
    }

    /// Everything the spec says is wrong with one request. `body` is the raw body (empty when
    /// none), `json` says whether it was sent as JSON.
    pub fn check(&self, method: &str, path: &str, query: &str, json: bool, body: &str) -> Vec<String> {
        let op = match self.operation(method, path) {
            Ok(op) => op,
            Err(e) => return vec![e],
        };
        let v = Validator::new(&self.schemas);
        let mut out = Vec::new();
        let segs = segs(path);
        for (seg, tmpl) in segs.iter().zip(&op.segs) {
            if let Seg::Param(name) = tmpl {
                if let Some((_, _, schema, _)) = op.params.iter().find(|p| p.0 == *name && p.1 == "path") {
                    let value = param_value(schema, seg, &self.schemas);
                    out.extend(v.errors(schema, &value).into_iter().map(|e| format!("path {{{name}}}{e}")));
                }
            }
        }
        for (k, raw) in crate::rest::form::pairs(query) {
            match op.params.iter().find(|p| p.0 == k && p.1 == "query") {
                Some((_, _, schema, _)) => {
                    let value = param_value(schema, &raw, &self.schemas);
                    out.extend(v.errors(schema, &value).into_iter().map(|e| format!("query {k}{e}")));
                }
                None => out.push(format!("query {k}: not a parameter of {}", op.id)),
            }
        }
        match (&op.body, body.trim().is_empty()) {
            (None, false) => out.push(format!("{}: takes no body", op.id)),
            (Some((_, true)), true) => out.push(format!("{}: a body is required", op.id)),
            (Some((Some(schema), _)), false) if json => match serde_json::from_str::<Value>(body) {
                Ok(value) => out.extend(v.errors(schema, &value).into_iter().map(|e| format!("body {e}"))),
                Err(e) => out.push(format!("body: not JSON ({e})")),
            },
            _ => {}
        }
        out
    }
}

/// A path or query parameter's text as the JSON value its schema describes.
fn param_value(schema: &Value, raw: &str, schemas: &HashMap<String, Value>) -> Value {
    let resolved = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| schemas.get(r.trim_start_matches("#/components/schemas/")))
        .unwrap_or(schema);
    let types: Vec<&str> = match resolved.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.iter().any(|t| *t == "integer" || *t == "number") {
        if let Ok(n) = raw.parse::<i64>() {
            return n.into();
        }
        if let Some(n) = raw.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            return Value::Number(n);
        }
    }
    if types.contains(&"boolean") {
        match raw {
            "true" | "True" | "1" => return true.into(),
            "false" | "False" | "0" => return false.into(),
            _ => {}
        }
    }
    Value::String(raw.to_string())
}

impl Operation {
    fn parse(template: &str, method: &str, op: &Value, shared: &[Value]) -> Operation {
        let segs = segs(template)
            .into_iter()
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Seg::Param(name.to_string()),
                None => Seg::Lit(s.to_string()),
            })
            .collect();
        let own = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        let params = shared
            .iter()
            .chain(own.iter())
            .filter_map(|p| {
                Some((
                    p.get("name")?.as_str()?.to_string(),
                    p.get("in")?.as_str()?.to_string(),
                    p.get("schema").cloned().unwrap_or(Value::Bool(true)),
                    p.get("required").and_then(Value::as_bool).unwrap_or(false),
                ))
            })
            .collect();
        let body = op.get("requestBody").map(|rb| {
            let schema = rb.pointer("/content/application~1json/schema").cloned();
            (schema, rb.get("required").and_then(Value::as_bool).unwrap_or(false))
        });
        let bot_auth = op
            .get("security")
            .and_then(Value::as_array)
            .is_none_or(|s| s.is_empty() || s.iter().any(|x| x.get("BotToken").is_some()));
        Operation {
            id: op.get("operationId").and_then(Value::as_str).unwrap_or("").to_string(),
            method: method.to_ascii_uppercase(),
            template: template.to_string(),
            segs,
            params,
            body,
            bot_auth,
        }
    }

    fn matches(&self, segs: &[&str]) -> bool {
        self.segs.len() == segs.len()
            && self.segs.iter().zip(segs).all(|(t, s)| match t {
                Seg::Lit(l) => l == s,
                Seg::Param(_) => !s.is_empty(),
            })
    }

    fn literals(&self) -> usize {
        self.segs.iter().filter(|s| matches!(s, Seg::Lit(_))).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever a client sends, the check answers with findings, never a panic.
        #[test]
        fn any_request_is_judged_without_panicking(
            method in "(GET|POST|PUT|PATCH|DELETE|BREW)",
            segs in proptest::collection::vec("(guilds|channels|users|@me|members|messages|commands|applications|[0-9]{1,20}|[a-z%]{0,6})", 0..7),
            query in "[a-z_=&%0-9]{0,20}",
            body in "[\\[\\]{}:,\"a-z0-9 .-]{0,60}",
        ) {
            let path = format!("/{}", segs.join("/"));
            let _ = spec().check(&method, &path, &query, true, &body);
        }

        #[test]
        fn any_json_body_is_validated_without_panicking(n in any::<i64>(), s in ".{0,20}", b in any::<bool>()) {
            let body = serde_json::json!([{"name": s, "description": n, "type": b, "options": [{"type": n, "name": s}]}]);
            let _ = spec().check("PUT", "/applications/1/commands", "", true, &body.to_string());
        }
    }

    #[test]
    fn the_vendored_spec_parses() {
        let s = spec();
        assert!(s.operations() > 200, "{} operations", s.operations());
        assert_eq!(s.operation("GET", "/users/@me").map(|o| o.id.as_str()), Ok("get_my_user"));
        assert_eq!(s.operation("GET", "/users/123").map(|o| o.id.as_str()), Ok("get_user"));
        assert_eq!(
            s.operation("POST", "/channels/1/messages/bulk-delete").map(|o| o.id.as_str()),
            Ok("bulk_delete_messages")
        );
        assert!(s.operation("POST", "/guilds/1/no-such-thing").is_err());
        assert!(s.operation("PUT", "/users/@me").unwrap_err().contains("has no PUT"));
    }

    #[test]
    fn bodies_params_and_queries_are_checked() {
        let s = spec();
        assert!(s.check("POST", "/guilds/1/bulk-ban", "", true, r#"{"user_ids":["2","3"]}"#).is_empty());
        let e = s.check("POST", "/guilds/1/bulk-ban", "", true, r#"{"user_ids":[2]}"#);
        assert!(e.iter().any(|l| l.starts_with("body /user_ids/0")), "{e:?}");
        let e = s.check("GET", "/guilds/abc", "", false, "");
        assert!(e.iter().any(|l| l.starts_with("path {guild_id}")), "{e:?}");
        let e = s.check("GET", "/guilds/1", "with_counts=true&bogus=1", false, "");
        assert_eq!(e, vec!["query bogus: not a parameter of get_guild"]);
        let e = s.check("PUT", "/guilds/1/bulk-ban", "", true, "{}");
        assert!(e[0].contains("no PUT"), "{e:?}");
    }
}
