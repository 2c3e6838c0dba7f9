"""Trims Discord's OpenAPI spec to what the fake Discord validates requests against.

  python3 trim.py path/to/discord-api-spec/specs/openapi.json > openapi.json

Keeps every path and method (so a call to a route that does not exist is caught), each
operation's operationId, parameters, requestBody and security, and every schema those reach
through $ref. Drops the responses, the schemas only responses use, and the free-text
"description" and "title" annotations. Nothing that constrains a request is changed.
"""
import json
import sys

KEEP_OP = ("operationId", "parameters", "requestBody", "security")
ANNOTATIONS = ("description", "title")
REF = "#/components/schemas/"


def strip(node):
    """A schema (or any spec object) without its free-text annotations."""
    if isinstance(node, list):
        return [strip(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in ANNOTATIONS and isinstance(v, str):
            continue
        if k == "properties" and isinstance(v, dict):
            out[k] = {name: strip(schema) for name, schema in v.items()}
        else:
            out[k] = strip(v)
    return out


def refs(node, schemas, seen):
    if isinstance(node, list):
        for v in node:
            refs(v, schemas, seen)
    elif isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith(REF):
                name = v[len(REF):]
                if name not in seen:
                    seen.add(name)
                    refs(schemas[name], schemas, seen)
            else:
                refs(v, schemas, seen)


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    paths, seen = {}, set()
    for path, item in spec["paths"].items():
        kept = {}
        for method, op in item.items():
            if method == "parameters":
                kept[method] = op
            else:
                kept[method] = {k: op[k] for k in KEEP_OP if k in op}
        refs(kept, schemas, seen)
        paths[path] = kept
    out = {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec.get("servers", []),
        "paths": strip(paths),
        "components": {"schemas": strip({n: schemas[n] for n in sorted(seen)})},
    }
    json.dump(out, sys.stdout, separators=(",", ":"), ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
