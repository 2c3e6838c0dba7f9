//! A validator for the part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that Discord's
//! spec uses in request bodies and parameters.
//!
//! Supported: `$ref` (to `#/components/schemas/…`), `type` (one or a list, with `null`),
//! `const`, `enum`, `oneOf` / `anyOf` (read as "at least one": Discord's README says both mean
//! "one of these shapes", and some of its unions overlap), `allOf`, `properties`, `required`,
//! `additionalProperties` (false or a schema), `minProperties` / `maxProperties`, `items`,
//! `minItems` / `maxItems`, `uniqueItems`, `minLength` / `maxLength` (in characters),
//! `pattern`, `minimum` / `maximum`, and the formats `int32`, `int64`, `date-time`, `uri`
//! and `snowflake`. Anything else (`contentEncoding`, vendor extensions) is an annotation.
//!
//! It is not a general JSON Schema implementation: no remote references, no `$defs`, no
//! `if`/`then`, no `dependentRequired` (the spec uses none of them). Errors are short
//! strings naming the JSON pointer of the offending value, e.g.
//! `/default_member_permissions: expected integer or null, got string "8"`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value};

use crate::rest::ms_from_iso;

/// How deep `$ref`s and nesting may go before the validator gives up (a cycle guard).
const MAX_DEPTH: usize = 64;
/// How many errors one value reports at most.
const MAX_ERRORS: usize = 20;

/// Validates values against schemas that may refer to `components.schemas`.
pub struct Validator<'a> {
    schemas: &'a HashMap<String, Value>,
}

impl<'a> Validator<'a> {
    pub fn new(schemas: &'a HashMap<String, Value>) -> Validator<'a> {
        Validator { schemas }
    }

    /// Every way `value` breaks `schema` (empty when it validates).
    pub fn errors(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.check(schema, value, "", 0, &mut out);
        out.truncate(MAX_ERRORS);
        out
    }

    fn resolve(&self, schema: &'a Value) -> Option<&'a Value> {
        let r = schema.get("$ref")?.as_str()?;
        self.schemas.get(r.strip_prefix("#/components/schemas/")?)
    }

    fn check(&self, schema: &Value, v: &Value, at: &str, depth: usize, out: &mut Vec<String>) {
        if depth > MAX_DEPTH || out.len() >= MAX_ERRORS {
            return;
        }
        let Some(s) = schema.as_object() else { return };
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            match self.schemas.get(r.trim_start_matches("#/components/schemas/")) {
                Some(target) => self.check(target, v, at, depth + 1, out),
                None => out.push(format!("{}: the spec refers to an unknown schema {r}", ptr(at))),
            }
        }
        if let Some(types) = s.get("type") {
            if !type_matches(types, v) {
                out.push(format!("{}: expected {}, got {}", ptr(at), type_names(types), describe(v)));
                return;
            }
        }
        if let Some(c) = s.get("const") {
            if !same(c, v) {
                out.push(format!("{}: must be {c}, got {}", ptr(at), describe(v)));
                return;
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            if !e.iter().any(|x| same(x, v)) {
                out.push(format!("{}: {} is not one of {}", ptr(at), describe(v), Value::Array(e.clone())));
                return;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = s.get(key).and_then(Value::as_array) {
                self.one_of(alts, v, at, depth, out);
            }
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(sub, v, at, depth + 1, out);
            }
        }
        match v {
            Value::Object(o) => self.object(s, o, at, depth, out),
            Value::Array(a) => self.array(s, a, at, depth, out),
            Value::String(t) => string(s, t, at, out),
            Value::Number(_) => number(s, v, at, out),
            _ => {}
        }
    }

    fn one_of(&self, alts: &[Value], v: &Value, at: &str, depth: usize, out: &mut Vec<String>) {
        let mut closest: Option<Vec<String>> = None;
        for alt in alts {
            let mut errs = Vec::new();
            self.check(alt, v, at, depth + 1, &mut errs);
            if errs.is_empty() {
                return;
            }
            // A null alternative says nothing useful about a value that is not null, and one
            // whose discriminator (a `const`, like an interaction response's `type`) differs
            // is further than one that only breaks limits.
            let trivial = self.resolve(alt).unwrap_or(alt).get("type").and_then(Value::as_str) == Some("null");
            let rank = |e: &[String]| (e.iter().any(|l| l.contains(": must be ")), e.len());
            if !trivial && closest.as_ref().is_none_or(|c| rank(&errs) < rank(c)) {
                closest = Some(errs);
            }
        }
        match closest {
            Some(errs) if alts.len() > 1 => {
                out.push(format!(
                    "{}: matches none of {} alternatives; closest: {}",
                    ptr(at),
                    alts.len(),
                    errs.join("; ")
                ));
            }
            Some(errs) => out.extend(errs),
            None => out.push(format!("{}: matches none of {} alternatives", ptr(at), alts.len())),
        }
    }

    fn object(&self, s: &Map<String, Value>, o: &Map<String, Value>, at: &str, depth: usize, out: &mut Vec<String>) {
        let props = s.get("properties").and_then(Value::as_object);
        for req in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = req.as_str() {
                if !o.contains_key(name) {
                    out.push(format!("{}: missing required field {name:?}", ptr(at)));
                }
            }
        }
        count(s, "minProperties", "maxProperties", o.len(), "properties", at, out);
        for (k, x) in o {
            let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
            match props.and_then(|p| p.get(k)) {
                Some(sub) => self.check(sub, x, &here, depth + 1, out),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(format!("{}: unknown field", ptr(&here))),
                    Some(sub @ Value::Object(_)) => self.check(sub, x, &here, depth + 1, out),
                    _ => {}
                },
            }
        }
    }

    fn array(&self, s: &Map<String, Value>, a: &[Value], at: &str, depth: usize, out: &mut Vec<String>) {
        count(s, "minItems", "maxItems", a.len(), "items", at, out);
        if s.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            for (i, x) in a.iter().enumerate() {
                if a[..i].iter().any(|y| same(x, y)) {
                    out.push(format!("{}: item {i} repeats an earlier item", ptr(at)));
                    break;
                }
            }
        }
        if let Some(items) = s.get("items") {
            for (i, x) in a.iter().enumerate() {
                self.check(items, x, &format!("{at}/{i}"), depth + 1, out);
            }
        }
    }
}

fn ptr(at: &str) -> &str {
    if at.is_empty() {
        "/"
    } else {
        at
    }
}

fn count(s: &Map<String, Value>, min: &str, max: &str, n: usize, what: &str, at: &str, out: &mut Vec<String>) {
    if let Some(lo) = s.get(min).and_then(Value::as_u64) {
        if (n as u64) < lo {
            out.push(format!("{}: {n} {what}, at least {lo} allowed", ptr(at)));
        }
    }
    if let Some(hi) = s.get(max).and_then(Value::as_u64) {
        if n as u64 > hi {
            out.push(format!("{}: {n} {what}, at most {hi} allowed", ptr(at)));
        }
    }
}

fn string(s: &Map<String, Value>, t: &str, at: &str, out: &mut Vec<String>) {
    let chars = t.chars().count();
    count(s, "minLength", "maxLength", chars, "characters", at, out);
    if let Some(p) = s.get("pattern").and_then(Value::as_str) {
        match pattern(p) {
            Some(re) if !re.is_match(t) => out.push(format!("{}: {} does not match {p}", ptr(at), describe_str(t))),
            _ => {}
        }
    }
    let bad = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => ms_from_iso(t).is_none(),
        Some("uri") => !t.contains(':') || t.chars().any(char::is_whitespace),
        Some("snowflake") => t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) || t.parse::<u64>().is_err(),
        _ => false,
    };
    if bad {
        let f = s.get("format").and_then(Value::as_str).unwrap_or("");
        out.push(format!("{}: {} is not a valid {f}", ptr(at), describe_str(t)));
    }
}

/// Compiled `pattern`s, shared by every fake (the spec has very few).
fn pattern(p: &str) -> Option<regex::Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    c.entry(p.to_string()).or_insert_with(|| regex::Regex::new(p).ok()).clone()
}

fn number(s: &Map<String, Value>, v: &Value, at: &str, out: &mut Vec<String>) {
    let Some(x) = v.as_f64() else { return };
    let exact = v.as_i64().map(i128::from).or(v.as_u64().map(i128::from));
    let cmp = |bound: &Value| -> Option<std::cmp::Ordering> {
        match (exact, bound.as_i64().map(i128::from).or(bound.as_u64().map(i128::from))) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => x.partial_cmp(&bound.as_f64()?),
        }
    };
    if let Some(lo) = s.get("minimum") {
        if cmp(lo) == Some(std::cmp::Ordering::Less) {
            out.push(format!("{}: {v} is below the minimum {lo}", ptr(at)));
        }
    }
    if let Some(hi) = s.get("maximum") {
        if cmp(hi) == Some(std::cmp::Ordering::Greater) {
            out.push(format!("{}: {v} is above the maximum {hi}", ptr(at)));
        }
    }
    let range = match s.get("format").and_then(Value::as_str) {
        Some("int32") => Some((i128::from(i32::MIN), i128::from(i32::MAX))),
        Some("int64") => Some((i128::from(i64::MIN), i128::from(i64::MAX))),
        _ => None,
    };
    if let (Some((lo, hi)), Some(n)) = (range, exact) {
        if n < lo || n > hi {
            out.push(format!("{}: {v} does not fit the format {}", ptr(at), s["format"]));
        }
    }
}

fn is_integer(v: &Value) -> bool {
    v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

fn type_is(name: &str, v: &Value) -> bool {
    match name {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => is_integer(v),
        _ => true,
    }
}

fn type_matches(types: &Value, v: &Value) -> bool {
    match types {
        Value::String(t) => type_is(t, v),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_is(t, v)),
        _ => true,
    }
}

fn type_names(types: &Value) -> String {
    match types {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        other => other.to_string(),
    }
}

/// JSON equality where `1` and `1.0` are the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn describe_str(t: &str) -> String {
    let short: String = t.chars().take(40).collect();
    if short.len() < t.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}

/// A value's type and a short preview, for an error message.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {}", describe_str(s)),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> HashMap<String, Value> {
        let mut m = HashMap::new();
        m.insert("Snowflake".into(), json!({"type": "string", "pattern": "^(0|[1-9][0-9]*)$", "format": "snowflake"}));
        m.insert(
            "Pong".into(),
            json!({"type": "object", "properties": {"type": {"type": "integer", "const": 1}}, "required": ["type"]}),
        );
        m.insert(
            "Message".into(),
            json!({"type": "object", "properties": {"type": {"type": "integer", "const": 4},
                   "data": {"type": "object", "properties": {"content": {"type": "string", "maxLength": 5}},
                            "additionalProperties": false}},
                   "required": ["type"]}),
        );
        m
    }

    #[test]
    fn types_refs_and_ranges() {
        let s = schemas();
        let v = Validator::new(&s);
        let schema = json!({"type": "object", "properties": {
            "perms": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
            "ids": {"type": "array", "items": {"$ref": "#/components/schemas/Snowflake"}, "maxItems": 2, "uniqueItems": true},
            "n": {"type": "integer", "format": "int32"},
        }, "required": ["ids"]});
        assert!(v.errors(&schema, &json!({"perms": 8, "ids": ["1", "2"]})).is_empty());
        assert!(v.errors(&schema, &json!({"perms": null, "ids": []})).is_empty());
        let e = v.errors(&schema, &json!({"perms": "8", "ids": ["1"]}));
        assert_eq!(e, vec![r#"/perms: expected integer or null, got string "8""#]);
        assert!(v.errors(&schema, &json!({"perms": 101, "ids": []}))[0].contains("above the maximum"));
        assert!(v.errors(&schema, &json!({"ids": ["1", "x"]}))[0].starts_with("/ids/1: \"x\" does not match"));
        assert!(v.errors(&schema, &json!({"ids": ["1", "2", "3"]}))[0].contains("at most 2"));
        assert!(v.errors(&schema, &json!({"ids": ["1", "1"]}))[0].contains("repeats"));
        assert!(v.errors(&schema, &json!({}))[0].contains("missing required field \"ids\""));
        assert!(v.errors(&schema, &json!({"ids": [], "n": 3_000_000_000u64}))[0].contains("int32"));
        assert!(v.errors(&schema, &json!({"ids": [], "n": 1.5}))[0].contains("expected integer"));
    }

    #[test]
    fn unions_report_the_closest_alternative() {
        let s = schemas();
        let v = Validator::new(&s);
        let schema =
            json!({"oneOf": [{"$ref": "#/components/schemas/Pong"}, {"$ref": "#/components/schemas/Message"}]});
        assert!(v.errors(&schema, &json!({"type": 1})).is_empty());
        assert!(v.errors(&schema, &json!({"type": 4, "data": {"content": "hi"}})).is_empty());
        let e = v.errors(&schema, &json!({"type": 4, "data": {"content": "too long", "x": 1}}));
        assert_eq!(e.len(), 1, "one line per union: {e:?}");
        assert!(e[0].starts_with("/: matches none of 2 alternatives; closest: "), "{e:?}");
        assert!(e[0].contains("/data/content: 8 characters, at most 5"), "{e:?}");
        assert!(e[0].contains("/data/x: unknown field"), "{e:?}");
    }

    #[test]
    fn strings_count_characters_and_formats() {
        let s = schemas();
        let v = Validator::new(&s);
        let schema = json!({"type": "string", "maxLength": 2, "format": "date-time"});
        assert!(v.errors(&schema, &json!("ab")).iter().any(|e| e.contains("not a valid date-time")));
        let schema = json!({"type": "string", "maxLength": 2});
        assert!(v.errors(&schema, &json!("éé")).is_empty(), "two characters, four bytes");
        let schema = json!({"type": "string", "format": "date-time"});
        assert!(v.errors(&schema, &json!("2026-01-01T13:00:00.000000+00:00")).is_empty());
    }

    #[test]
    fn a_reference_cycle_ends() {
        let mut s = HashMap::new();
        s.insert("A".into(), json!({"allOf": [{"$ref": "#/components/schemas/A"}]}));
        let v = Validator::new(&s);
        assert!(v.errors(&json!({"$ref": "#/components/schemas/A"}), &json!(1)).is_empty());
    }
}
