#!/usr/bin/python3
"""tests/test_json_diff.py - examples/json_check against Python's json module as a
reference, on random documents: valid ones (json.dumps of random values, with random
whitespace) and broken ones (random byte edits of valid ones). The verdicts must agree, and
for valid documents the --tokens output must name the same tokens with the same values.
Python's parser is made strict where it is lenient by default (NaN/Infinity, invalid
UTF-8); nesting stays under json_check's 64 levels. Fixed seed: runs are repeatable."""
import json
import math
import os
import random
import subprocess
import sys
from pycheck import check, summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "json_check")


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def reference(data):
    """None if invalid, else the list of (kind, value) tokens."""
    try:
        text = data.decode("utf-8", errors="strict")
        if text.startswith("\ufeff"):
            return None
        value = json.loads(text, parse_constant=reject_constant, object_pairs_hook=lambda p: ("obj", p))
    except (ValueError, RecursionError):
        return None
    out = []

    def walk(v):
        if isinstance(v, tuple) and len(v) == 2 and v[0] == "obj":
            out.append(("begin_object", None))
            for k, x in v[1]:
                out.append(("key", k))
                walk(x)
            out.append(("end_object", None))
        elif isinstance(v, list):
            out.append(("begin_array", None))
            for x in v:
                walk(x)
            out.append(("end_array", None))
        elif v is True:
            out.append(("true", None))
        elif v is False:
            out.append(("false", None))
        elif v is None:
            out.append(("null", None))
        elif isinstance(v, str):
            out.append(("string", v))
        else:
            out.append(("number", v))

    walk(value)
    return out


def ours(data, chunk):
    args = [BIN, "--tokens"] + (["--chunk", str(chunk)] if chunk else [])
    p = subprocess.run(args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def parse_tokens(stdout):
    toks = []
    for line in stdout.decode("utf-8", errors="surrogatepass").splitlines():
        kind, rest = line.split(" ", 1)
        if " " in rest:
            off, val = rest.split(" ", 1)
        else:
            off, val = rest, None
        if kind in ("key", "string"):
            val = json.loads(val)
        elif kind == "number":
            val = json.loads(val)  # the raw text, read the same way as the reference
        toks.append((kind, val))
    return toks


def same_value(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) == type(b) and a == b


def rand_string(r):
    pool = "abcxyz \"\\/\b\f\n\r\t\u0001\u001f\u007f\u00e9\u0800\uffff\u3072\U0001f600"
    return "".join(r.choice(pool) for _ in range(r.randrange(0, 12)))


def rand_number(r):
    k = r.randrange(6)
    if k == 0:
        return r.randrange(-10**20, 10**20)
    if k == 1:
        return r.uniform(-1e6, 1e6)
    if k == 2:
        return r.choice([0, -0.0, 1e-320, 5e-324, 1.7976931348623157e308, 2**63, -2**63 - 1])
    if k == 3:
        return r.random() * 10 ** r.randrange(-300, 300)
    return r.randrange(0, 1000)


def rand_value(r, depth):
    k = r.randrange(9 if depth < 12 else 6)
    if k == 0:
        return None
    if k == 1:
        return r.random() < 0.5
    if k in (2, 3):
        return rand_number(r)
    if k in (4, 5):
        return rand_string(r)
    if k in (6, 7):
        return [rand_value(r, depth + 1) for _ in range(r.randrange(0, 5))]
    return {rand_string(r): rand_value(r, depth + 1) for _ in range(r.randrange(0, 5))}


def dumps(r, v):
    text = json.dumps(v, ensure_ascii=r.random() < 0.3, separators=(",", ":"))
    if r.random() < 0.3:  # sprinkle JSON whitespace between tokens
        out, in_str, esc = [], False, False
        for ch in text:
            out.append(ch)
            if in_str:
                if esc:
                    esc = False
                elif ch == "\\":
                    esc = True
                elif ch == '"':
                    in_str = False
            elif ch == '"':
                in_str = True
            elif ch in ",:[]{}" and r.random() < 0.3:
                out.append(r.choice([" ", "\t", "\n", "\r", "  "]))
        text = "".join(out)
    return text.encode("utf-8")


EDITS = [b"", b",", b"]", b"}", b"[", b"{", b":", b'"', b"\\", b"0", b"-", b"+", b".", b"e",
         b"1", b" ", b"\x00", b"\x1f", b"\x7f", b"\xc3", b"\xa9", b"\xed\xa0\x80", b"\xf4\x90",
         b"\xef\xbb\xbf", b"/", b"'", b"t", b"n", b"NaN", b"\\u", b"\\ud800", b"tru", b"01"]


def mutate(r, data):
    data = bytearray(data)
    for _ in range(r.randrange(1, 4)):
        pos = r.randrange(len(data) + 1)
        op = r.randrange(3)
        if op == 0 and pos < len(data):
            del data[pos]
        elif op == 1:
            data[pos:pos] = r.choice(EDITS)
        elif pos < len(data):
            data[pos:pos + 1] = r.choice(EDITS)
    return bytes(data)


def main():
    if not os.access(BIN, os.X_OK):
        subprocess.run(["make", "-s", "-C", ROOT, "build/json_check"], check=False)
    r = random.Random(20261126)
    agree = {"valid": 0, "invalid": 0}
    for i in range(4000):
        v = rand_value(r, 0)
        data = dumps(r, v)
        if i % 2:
            data = mutate(r, data)
        ref = reference(data)
        chunk = r.choice([0, 0, 1, 2, 3, 7, 64])
        rc, out, err = ours(data, chunk)
        if ref is None:
            check(rc == 1 and err.startswith(b"offset "), "reference rejects, json_check rc=%d: %r" % (rc, data))
            agree["invalid"] += rc == 1
        else:
            check(rc == 0, "reference accepts, json_check rc=%d (%s): %r" % (rc, err.decode(errors="replace").strip(), data))
            if rc == 0:
                toks = parse_tokens(out)
                ok = len(toks) == len(ref) and all(
                    a[0] == b[0] and (a[1] is None and b[1] is None or same_value(a[1], b[1]))
                    for a, b in zip(toks, ref))
                check(ok, "tokens differ for %r:\n  ours %r\n  ref  %r" % (data, toks[:20], ref[:20]))
                agree["valid"] += ok
    print("json_check vs Python json: %d valid and %d invalid documents agree" %
          (agree["valid"], agree["invalid"]))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
