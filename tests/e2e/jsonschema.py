#!/usr/bin/env python3
"""A small JSON Schema checker (the subset ctk's schemas use: type, required,
properties, items, enum, const, minimum, maximum, $ref to #/$defs) so tests
can validate ctk's JSON output against schemas/*.json without extra packages.
usage: jsonschema.py SCHEMA DOC  → exit 0 when valid, else prints the first error."""
import json
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def check(v, s, root, path):
    if "$ref" in s:
        s = root["$defs"][s["$ref"].split("/")[-1]]
    t = s.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        if not any(is_type(v, x) for x in ts):
            raise ValueError("%s: %r is not %s" % (path, v, t))
    if "const" in s and v != s["const"]:
        raise ValueError("%s: %r != %r" % (path, v, s["const"]))
    if "enum" in s and v not in s["enum"]:
        raise ValueError("%s: %r not in %r" % (path, v, s["enum"]))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            raise ValueError("%s: %r < %r" % (path, v, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            raise ValueError("%s: %r > %r" % (path, v, s["maximum"]))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                raise ValueError("%s: missing key %r" % (path, k))
        for k, sub in s.get("properties", {}).items():
            if k in v:
                check(v[k], sub, root, path + "." + k)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            check(x, s["items"], root, "%s[%d]" % (path, i))


schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
try:
    check(doc, schema, schema, "$")
except ValueError as e:
    print(e)
    sys.exit(1)
