#!/usr/bin/python3
"""Flash and stack budgets of axiomws.h on a Cortex-M4 (make embedded), against limits.txt.

Usage: budget.py LIMITS [--size NAME=MAP:LIBOBJ ...] [--stack CONFIG=LIBOBJ ...]
                 [--elf CONFIG=IMAGE ...] [--readelf PROG] [--objdump PROG] [--out DIR]

SIZE. Each --size names a tiny program built for one configuration that calls only that
configuration's entry points (tests/embedded/size_prog.c), linked with --gc-sections and
the library object first. From the GNU ld map file MAP, every input section kept in the
image is charged to the object it came from: text (.text*), rodata (.rodata*), data
(.data*: stored in flash and copied to RAM) and bss (.bss*, COMMON) of LIBOBJ are the
library's share; flash = text + rodata + data, RAM = data + bss. The "+rt" column adds the
archive members (libgcc, newlib) the linker pulled in because of the library - memcpy,
64-bit division, soft-float arithmetic - and whatever those pulled in ("Archive member
included to satisfy reference" at the top of the map; the library object comes first on
the link line, so a helper it needs is charged to it).

STACK. Each --stack names a library object compiled with -fstack-usage
-fcallgraph-info=su; GCC wrote LIBOBJ's .ci file next to it (VCG: one node per function
with its frame size, one edge per call). The worst stack of a public function (a global
`axws_*` symbol without a double underscore) is the heaviest chain of frames from it
through the library's own functions:
  - a call to a function outside the object (newlib's memcpy, libgcc's helpers) adds that
    function's stack as read from a linked image of the configuration (--elf CONFIG=IMAGE:
    every push, vpush and sub sp in its code, plus the deepest function it calls; the lwIP
    port's lwip_* calls are stubs there: lwIP's own stack is lwIP's budget);
  - an indirect call reaches the library's own functions whose address is taken (the
    relocations in LIBOBJ's code and data sections that name a function other than by a
    call or a tail call) and that can flow into the pointer it calls through: the class
    Callbacks below follows each such function, by the source text the object was built
    from, into the struct member or parameter it is stored in or passed as, and from there
    into the members and parameters it is copied to; an indirect call names the member or
    parameter it calls through. So c->cfg.on_event(...) may reach the Axiom client's event
    handlers (they are stored in on_event) but not the decoder's message callback. An
    indirect call the text cannot be matched to is assumed to reach every function whose
    address is taken. The program's callbacks (cfg.on_event and friends) are not in the
    object and are not counted: add your callback's own depth;
  - recursion (a cycle in that graph) is cut where the search meets it and reported;
  - a frame GCC marks dynamic (alloca, VLA) is reported.

LIMITS. Lines of limits.txt (# starts a comment):
    flash NAME BYTES              library flash of size program NAME
    stack CONFIG FUNCTION BYTES   worst stack; FUNCTION may use * (fnmatch), CONFIG too
The script prints both tables, then every limit with its measured value; it exits 1 when
one is exceeded (or names nothing measured) and prints "budget: N passed, N failed"."""
import bisect
import fnmatch
import os
import re
import subprocess
import sys

CALL_RELOCS = {"R_ARM_THM_CALL", "R_ARM_THM_JUMP24", "R_ARM_THM_JUMP19", "R_ARM_CALL", "R_ARM_JUMP24",
               "R_ARM_THM_JUMP11", "R_ARM_THM_JUMP8"}


# ------------------------------------------------------------------------------ map files

# the output sections of tests/embedded/mps2-an386.ld that end up in the image
IMAGE_SECTIONS = {".vectors", ".text", ".rodata", ".ARM.extab", ".ARM.exidx", ".init_array", ".data", ".bss"}


def parse_map(path):
    """({input file: {category: bytes}}, {archive member: the file that pulled it in})."""
    with open(path) as f:
        lines = f.read().split("\n")
    pulled = {}
    i = 0
    if lines and lines[0].startswith("Archive member included"):
        i = 1
        while i < len(lines) and not lines[i].startswith("Discarded input sections") and \
                not lines[i].startswith("Memory Configuration"):
            one = re.match(r"^(\S+)\s+(\S.*) \((.*)\)$", lines[i])  # a short member name: one line
            if one:
                pulled[one.group(1)] = one.group(2)
                i += 1
                continue
            member = lines[i].strip()
            if member and i + 1 < len(lines) and lines[i + 1].startswith(" "):
                m = re.match(r"\s+(.*) \((.*)\)$", lines[i + 1])
                if m:
                    pulled[member] = m.group(1)
                i += 2
                continue
            i += 1
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        sys.exit("budget.py: %s is not a GNU ld map file" % path)
    sizes = {}
    pending = None
    loaded = False  # in an output section of the image (not .comment, .debug_*, ...)
    for line in lines[start + 1:]:
        m = re.match(r"^(\.\S+)", line)
        if m:
            loaded = m.group(1) in IMAGE_SECTIONS
            pending = None
            continue
        if not loaded:
            continue
        m = re.match(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m:
            sec, size, obj = m.group(1), int(m.group(3), 16), m.group(4).strip()
        elif pending is not None:
            m = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
            sec, pending = pending, None
            if not m:
                continue
            size, obj = int(m.group(2), 16), m.group(3).strip()
        else:
            m = re.match(r"^ (\.\S+|COMMON)$", line)
            if m:
                pending = m.group(1)
            continue
        if sec == "*fill*" or size == 0:
            continue
        cat = category(sec)
        sizes.setdefault(obj, {}).setdefault(cat, 0)
        sizes[obj][cat] += size
    return sizes, pulled


def category(sec):
    for prefix, cat in ((".text", "text"), (".rodata", "rodata"), (".data", "data"), (".bss", "bss"),
                        ("COMMON", "bss")):
        if sec == prefix or sec.startswith(prefix + "."):
            return cat
    return "other"


def lib_sizes(map_path, lib):
    sizes, pulled = parse_map(map_path)
    key = os.path.normpath(lib)
    own = {}
    for obj, cats in sizes.items():
        if os.path.normpath(obj) == key:
            own = cats
    if not own:
        sys.exit("budget.py: %s charges nothing to %s" % (map_path, lib))
    # archive members pulled in because of the library, transitively
    mine, changed = set(), True
    while changed:
        changed = False
        for member, by in pulled.items():
            if member not in mine and (os.path.normpath(by) == key or by in mine):
                mine.add(member)
                changed = True
    rt = sum(sizes.get(m, {}).get(c, 0) for m in mine for c in ("text", "rodata", "data"))
    row = {c: own.get(c, 0) for c in ("text", "rodata", "data", "bss", "other")}
    row["flash"] = row["text"] + row["rodata"] + row["data"]
    row["ram"] = row["data"] + row["bss"]
    row["rt"] = rt
    row["helpers"] = sorted(re.sub(r".*\((.*)\)$", r"\1", m) for m in mine  # those with bytes kept
                            if any(sizes.get(m, {}).get(c) for c in ("text", "rodata", "data")))
    return row


# ------------------------------------------------------------------------------ call graphs

def parse_ci(path):
    """{title: (name, bytes or None, qualifier)}, {title: [callee titles]},
    {(caller, callee): [source locations of the calls]}"""
    nodes, edges, labels = {}, {}, {}
    with open(path) as f:
        for line in f:
            m = re.match(r'node: \{ title: "([^"]*)" label: "([^"]*)"', line)
            if m:
                title, label = m.group(1), m.group(2).split("\\n")
                fb = re.match(r"(\d+) bytes \(([^)]*)\)", label[-1]) if len(label) >= 3 else None
                nodes[title] = (label[0], int(fb.group(1)) if fb else None, fb.group(2) if fb else "")
                continue
            m = re.match(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"(?: label: "([^"]*)")?', line)
            if m:
                edges.setdefault(m.group(1), []).append(m.group(2))
                if m.group(3):
                    labels.setdefault((m.group(1), m.group(2)), []).append(m.group(3))
    return nodes, edges, labels


def readelf(prog, args, obj):
    try:
        return subprocess.run([prog] + args + [obj], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("budget.py: %s %s %s failed: %s" % (prog, " ".join(args), obj, e))


def symbols(prog, obj):
    """{name: (type, bind)} of the object's defined symbols."""
    out = {}
    for line in readelf(prog, ["-sW"], obj).split("\n"):
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[6] != "UND":
            out[f[7]] = (f[3], f[4])
    return out


def address_taken(prog, obj, syms):
    """Functions whose address the object's code or data takes (not by calling them; a
    function's references into its own section are jump tables, not its address)."""
    taken, section = set(), None
    for line in readelf(prog, ["-rW"], obj).split("\n"):
        m = re.match(r"Relocation section '\.rel(?:a)?(\S+)'", line)
        if m:
            section = m.group(1)
            continue
        f = line.split()
        if len(f) < 5 or not re.match(r"^[0-9a-f]{8}$", f[0]) or section is None:
            continue
        if not re.match(r"\.(text|rodata|data)(\.|$)|\.data\.rel", section):
            continue  # unwind tables and debug sections point at every function
        rtype, sym = f[2], f[4]
        if rtype in CALL_RELOCS or section == sym:
            continue
        if sym.startswith(".text."):
            sym = sym[len(".text."):]
        if syms.get(sym, ("",))[0] == "FUNC":
            taken.add(sym)
    return taken


# ------------------------------------------------------------------------------ callbacks

IDENT = re.compile(r"[A-Za-z_]\w*")


def strip_code(text):
    """The source with comments, string and character literals blanked (same length, line
    breaks kept), so that brackets and identifiers can be counted."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def match_paren(code, i):
    """Index of the bracket closing the one at code[i]."""
    depth, pairs = 0, {"(": ")", "[": "]", "{": "}"}
    close = pairs[code[i]]
    for k in range(i, len(code)):
        if code[k] == code[i]:
            depth += 1
        elif code[k] == close:
            depth -= 1
            if depth == 0:
                return k
    return len(code) - 1


def split_top(text):
    """text split at its top-level commas."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


class Callbacks:
    """Which library functions an indirect call may reach, from the source the object was
    compiled from: a field-based points-to analysis on the text.

    A function used as a value (its name not followed by a call's parenthesis) goes into a
    slot: the member or variable it is assigned to (`c->release = f` -> member release),
    or the parameter it is passed as (`g(x, f)` -> g's second parameter). Slots flow into
    slots the same way (members, parameters and local variables) (`d->raw_fn = fn` inside axws_axiom_decoder_set_raw_fn: its parameter
    fn flows into member raw_fn; `h(cb)` where cb is a parameter: into h's parameter). An
    indirect call names its slot: `c->cfg.on_event(...)` calls through member on_event,
    `cb(...)` through the enclosing function's parameter cb; a function named inside the
    called expression (`(c->cfg.resolve ? c->cfg.resolve : axws__port_resolve)(...)`) is a
    direct target. A function whose slot cannot be told (an initializer list, ...) is taken
    as a possible target of every indirect call."""

    def __init__(self):
        self.files = {}

    def load(self, path):
        if path not in self.files:
            try:
                with open(path) as f:
                    text = f.read()
            except OSError:
                text = None
            self.files[path] = text and self.index(text)
        return self.files[path]

    @staticmethod
    def index(text):
        code = strip_code(text)
        starts = [0]
        for m in re.finditer("\n", code):
            starts.append(m.end())
        funcs = {}   # name -> (params, body start, body end)
        for m in re.finditer(r"(?m)^(?![#\s/])[^;{}()]*?\b(axws_\w+)\s*\(", code):
            o = m.end() - 1
            c = match_paren(code, o)
            rest = code[c + 1:c + 200].lstrip()
            if not rest.startswith("{"):
                continue
            b = code.index("{", c)
            params = []
            for p in split_top(code[o + 1:c]):
                names = IDENT.findall(re.sub(r"\[[^\]]*\]", "", p.split("(*")[1]) if "(*" in p else p)
                if names and names[-1] != "void":
                    params.append(names[-1] if "(*" not in p else names[0])
            funcs[m.group(1)] = (params, b, match_paren(code, b))
        order = sorted((b, e, n) for n, (_, b, e) in funcs.items())
        funcs[None] = ([b for b, _, _ in order], [(n, e) for _, e, n in order])
        return code, starts, funcs

    @staticmethod
    def enclosing(funcs, pos):
        """The function whose body holds code position pos (bodies do not nest)."""
        spans = funcs.get(None)
        k = bisect.bisect_right(spans[0], pos) - 1
        if k >= 0 and pos <= spans[1][k][1]:
            return spans[1][k][0]
        return None

    @staticmethod
    def before(code, pos, width=160):
        """The code just before pos, without trailing white space."""
        return code[max(0, pos - width):pos].rstrip()

    def slot_of_target(self, code, funcs, pos, end):
        """The slot a value at code[pos:end] flows into, or None."""
        before = self.before(code, pos)
        after = code[end:end + 8].lstrip()
        m = re.search(r"(->|\.)?\s*\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*=$", before)
        if m and not re.search(r"[=!<>]=$", before) and after[:1] in (";", ",", ")"):
            if m.group(1):
                return "m:" + m.group(2)
            return "v:%s:%s" % (self.enclosing(funcs, pos), m.group(2))
        # an argument: find the call's opening parenthesis
        depth, k, commas, stop = 0, pos - 1, 0, max(0, pos - 2000)
        while k >= stop:
            ch = code[k]
            if ch in ")]}":
                depth += 1
            elif ch in "([{":
                if depth == 0:
                    break
                depth -= 1
            elif ch == ";" and depth == 0:
                return None
            elif ch == "," and depth == 0:
                commas += 1
            k -= 1
        if k < stop or code[k] != "(":
            return None
        m = re.search(r"\b(axws_\w+)\s*$", code[max(0, k - 80):k])
        if not m or m.group(1) not in funcs:
            return None
        params = funcs[m.group(1)][0]
        return "p:%s:%s" % (m.group(1), params[commas]) if commas < len(params) else None

    def analyse(self, path, functions, sites):
        """sites: [(line, col)] of indirect calls in `path` -> ({(line, col): set of names or
        None when the call cannot be read}, names whose slot is unknown)."""
        idx = self.load(path)
        if not idx:
            return None, set()
        code, starts, funcs = idx
        values = []  # (name, pos, end) of identifiers not followed by a call's parenthesis
        for m in re.finditer(r"\b[A-Za-z_]\w*\b", code):
            if not code[m.end():m.end() + 40].lstrip().startswith("("):
                values.append((m.group(0), m.start(), m.end()))
        # the called expressions of the indirect calls, when parenthesized: (a ? b : c)(...)
        callees = {}
        for line, col in sites:
            if line > len(starts):
                continue
            pos = starts[line - 1] + col - 1
            k, depth = pos, 0
            while k > pos - 400 and not (code[k] == "(" and depth == 0):
                if code[k] == ")":
                    depth += 1
                elif code[k] == "(":
                    depth -= 1
                k -= 1
            if code[k] == "(":
                e = match_paren(code, k)
                if e >= pos and code[e + 1:e + 40].lstrip().startswith("("):
                    callees[(line, col)] = (k, e)
        slots, unknown = {}, set()
        for name, pos, end in values:  # functions used as values
            if name not in functions or self.before(code, pos).endswith(("->", ".")):
                continue
            if any(k < pos < e for k, e in callees.values()):
                continue  # called right there: a direct target of that call
            slot = self.slot_of_target(code, funcs, pos, end)
            if slot:
                slots.setdefault(slot, set()).add(name)
            elif not re.search(r"\b(static|AXWS__DEF|AXWS_API)\b[^;{}]*$", self.before(code, pos, 300)):
                unknown.add(name)
        # slots flow into slots: members and parameters passed on; until nothing changes
        done, changed = set(), True
        while changed:
            changed = False
            for name, pos, end in values:
                if "m:" + name not in slots and not any(k.endswith(":" + name) for k in slots):
                    continue
                if self.before(code, pos).endswith(("->", ".")):
                    src = "m:" + name
                else:
                    f = self.enclosing(funcs, pos)
                    src = ("p:%s:%s" if f and name in funcs[f][0] else "v:%s:%s") % (f, name)
                if not src or src not in slots or (src, pos) in done:
                    continue
                done.add((src, pos))
                dst = self.slot_of_target(code, funcs, pos, end)
                if dst and dst != src and not slots[src] <= slots.get(dst, set()):
                    slots.setdefault(dst, set()).update(slots[src])
                    changed = True
                    done.clear()
        out = {}
        for line, col in sites:
            if line > len(starts):
                out[(line, col)] = None
                continue
            pos = starts[line - 1] + col - 1
            f = self.enclosing(funcs, pos)
            m = re.match(r"[A-Za-z_]\w*(\s*(->|\.)\s*[A-Za-z_]\w*)*", code[pos:pos + 200])
            targets = set()
            if m and code[pos + m.end():pos + m.end() + 40].lstrip().startswith("("):
                chain = IDENT.findall(m.group(0))
                last = chain[-1]
                if len(chain) > 1:
                    key = "m:" + last
                elif f and last in funcs[f][0]:
                    key = "p:%s:%s" % (f, last)
                else:
                    key = "v:%s:%s" % (f, last)
                targets |= slots.get(key, set())
            elif (line, col) in callees:
                k, e = callees[(line, col)]
                for mm in re.finditer(r"(->|\.)?\s*\b([A-Za-z_]\w*)", code[k + 1:e]):
                    if mm.group(2) in functions:
                        targets.add(mm.group(2))
                    elif mm.group(1):
                        targets |= slots.get("m:" + mm.group(2), set())
            else:
                out[(line, col)] = None
                continue
            out[(line, col)] = targets
        return out, unknown

class Helpers:
    """Stack of the functions outside the library object (newlib, libgcc), read from the
    linked image: every push, stmdb sp!, vpush and sub sp of a function's code adds up (an
    upper bound when a function pushes on several paths), plus the deepest function it
    calls or tail-calls (bl / b.w to another function)."""

    def __init__(self, objdump, elf):
        self.funcs, self.memo = {}, {}
        if not elf:
            return
        try:
            text = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], check=True, capture_output=True,
                                  text=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            sys.exit("budget.py: %s -d %s failed: %s" % (objdump, elf, e))
        cur = None
        for line in text.split("\n"):
            m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
            if m:
                cur = m.group(1)
                self.funcs[cur] = [0, set()]
                continue
            if cur is None or "\t" not in line:
                continue
            ins = line.split("\t", 1)[1].strip()
            m = re.match(r"(push|vpush|stmdb(?:\.w)?\s+sp!,)(?:\.w)?\s*\{([^}]*)\}", ins)
            if m:
                regs = 0
                for r in m.group(2).split(","):
                    r = r.strip()
                    mm = re.match(r"([a-z]+)(\d+)-[a-z]+(\d+)$", r)
                    n = int(mm.group(3)) - int(mm.group(2)) + 1 if mm else 1
                    regs += n * (8 if r.startswith("d") else 4)
                self.funcs[cur][0] += regs
                continue
            m = re.match(r"sub(?:s|\.w|w)?\s+sp,\s*(?:sp,\s*)?#(\d+)", ins)
            if m:
                self.funcs[cur][0] += int(m.group(1))
                continue
            m = re.match(r"(?:bl|b\.w|blx)\s+[0-9a-f]+ <([^>+]+)>", ins)
            if m and m.group(1) != cur:
                self.funcs[cur][1].add(m.group(1))

    def stack(self, name, path=()):
        """(bytes, known): the helper's worst stack, and whether the image had it."""
        if name not in self.funcs:
            return 0, False
        if name in self.memo:
            return self.memo[name], True
        own, callees = self.funcs[name]
        best = 0
        for c in callees:
            if c not in path:
                best = max(best, self.stack(c, path + (name,))[0])
        self.memo[name] = own + best
        return own + best, True


class Graph:
    def __init__(self, ci_path, obj, prog, callbacks, helpers):
        self.helpers = helpers
        self.missing = set()
        self.nodes, edges, labels = parse_ci(ci_path)
        self.syms = symbols(prog, obj)
        by_name = {}
        for title, (name, size, _) in self.nodes.items():
            if size is not None:
                by_name[name] = title
        self.by_name = by_name
        taken = address_taken(prog, obj, self.syms)
        # indirect call sites, by source file: (line, col) -> targets
        sites = {}
        for (src, dst), where in labels.items():
            if dst == "__indirect_call":
                for w in where:
                    m = re.match(r"(.*):(\d+):(\d+)$", w)
                    if m:
                        sites.setdefault(m.group(1), set()).add((int(m.group(2)), int(m.group(3))))
        resolved, self.unknown, self.sites = {}, set(), []
        for path, where in sites.items():
            got, unknown = callbacks.analyse(path, set(by_name), sorted(where))
            self.unknown |= unknown & taken
            for w in sorted(where):
                t = None if got is None else got.get(w)
                resolved[(path, w[0], w[1])] = t
                self.sites.append("%s:%d:%d -> %s" % (path, w[0], w[1], "?" if t is None else
                                                      ", ".join(sorted(t)) or "the program's callbacks only"))
        self.taken = sorted(taken)
        self.unresolved = []
        self.edges = {}
        for src, dsts in edges.items():
            out = []
            for d in dsts:
                if d != "__indirect_call":
                    if d not in out:
                        out.append(d)
                    continue
                for w in labels.get((src, d), [""]):
                    m = re.match(r"(.*):(\d+):(\d+)$", w)
                    t = resolved.get((m.group(1), int(m.group(2)), int(m.group(3)))) if m else None
                    if t is None:  # cannot tell: every function whose address is taken
                        t = taken
                        self.unresolved.append(w)
                    for name in sorted((set(t) & taken) | (self.unknown if t is not taken else set())):
                        if name in by_name and by_name[name] not in out:
                            out.append(by_name[name])
            self.edges[src] = out
        self.memo = {}
        self.cycles = set()
        self.dynamic = set()

    def frame(self, title):
        node = self.nodes.get(title)
        return node[1] if node and node[1] is not None else None

    def name(self, title):
        node = self.nodes.get(title)
        return node[0] if node else title

    def worst(self, title, path=()):
        """(bytes, [titles of the chain]) from title down."""
        if title in self.memo:
            return self.memo[title]
        own = self.frame(title)
        if own is None:  # outside the object: a helper from the image, if it is there
            b, known = self.helpers.stack(title)
            if not known and title != "__indirect_call":
                self.missing.add(title)
            return b, [title]
        if "dynamic" in self.nodes[title][2]:
            self.dynamic.add(self.name(title))
        path = path + (title,)
        best, chain = 0, []
        for callee in self.edges.get(title, ()):
            if callee in path:
                self.cycles.add(" > ".join(self.name(t) for t in path[path.index(callee):] + (callee,)))
                continue
            b, c = self.worst(callee, path)
            if b > best or not chain:
                best, chain = b, c
        result = (own + best, [title] + chain)
        self.memo[title] = result
        return result

    def public(self):
        return sorted(n for n, (t, bind) in self.syms.items()
                      if t == "FUNC" and bind == "GLOBAL" and n.startswith("axws_") and "__" not in n
                      and n in self.by_name)

    def chain_text(self, chain):
        parts = []
        for t in chain:
            fr = self.frame(t)
            if fr is None:
                b, known = self.helpers.stack(t)
                parts.append("(%s %s)" % (t, b if known else "?"))
            else:
                parts.append("%s %d" % (self.name(t), fr))
        return " > ".join(parts)


# ------------------------------------------------------------------------------ main

def parse_limits(path):
    limits = []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            text = line.split("#", 1)[0].split()
            if not text:
                continue
            if text[0] == "flash" and len(text) == 3:
                limits.append(("flash", text[1], None, int(text[2]), no))
            elif text[0] == "stack" and len(text) == 4:
                limits.append(("stack", text[1], text[2], int(text[3]), no))
            elif text[0] == "ram" and len(text) == 3:
                limits.append(("ram", text[1], None, int(text[2]), no))
            else:
                sys.exit("budget.py: %s:%d: expected 'flash NAME BYTES', 'ram NAME BYTES' or "
                         "'stack CONFIG FUNCTION BYTES'" % (path, no))
    return limits


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    limits_path, sizes, stacks, prog, out_dir = args[0], [], [], "arm-none-eabi-readelf", None
    objdump, elfs, rams = "arm-none-eabi-objdump", {}, []
    i = 1
    while i < len(args):
        opt = args[i]
        val = args[i + 1] if i + 1 < len(args) else sys.exit("budget.py: %s needs a value" % opt)
        if opt == "--size":
            name, rest = val.split("=", 1)
            m, lib = rest.split(":", 1)
            sizes.append((name, m, lib))
        elif opt == "--stack":
            name, obj = val.split("=", 1)
            stacks.append((name, obj))
        elif opt == "--readelf":
            prog = val
        elif opt == "--objdump":
            objdump = val
        elif opt == "--elf":
            name, elf = val.split("=", 1)
            elfs[name] = elf
        elif opt == "--out":
            out_dir = val
        elif opt == "--ram":
            name, obj = val.split("=", 1)
            rams.append((name, obj))
        else:
            sys.exit("budget.py: unknown option %s" % opt)
        i += 2

    flash = {}
    if sizes:
        print("Library flash and RAM per configuration (arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb, "
              "--gc-sections; bytes of the library object only, from the linker map)")
        hdr = "%-22s %7s %7s %6s %6s %7s %7s %7s" % ("configuration", "text", "rodata", "data", "bss", "flash",
                                                    "RAM", "+rt")
        print(hdr)
        print("-" * len(hdr))
        helpers = {}
        for name, m, lib in sizes:
            r = lib_sizes(m, lib)
            flash[name] = r["flash"]
            helpers[name] = [h[:-2] if h.endswith(".o") else h for h in r["helpers"]]
            print("%-22s %7d %7d %6d %6d %7d %7d %7d" % (name, r["text"], r["rodata"], r["data"], r["bss"],
                                                       r["flash"], r["ram"], r["rt"]))
            if r["other"]:
                print("%-22s (also %d bytes in other sections of the image)" % ("", r["other"]))
        print("flash = text + rodata + data, RAM = data + bss: the library object's own bytes (objects and")
        print("buffers are the program's); +rt = runtime helpers the library pulled in from newlib/libgcc:")
        seen = set()
        for name, _, _ in sizes:
            new = [h for h in helpers[name] if h not in seen]
            seen.update(new)
            if new:
                print("  %s: %s" % (name, " ".join(new) if len(new) < 14 else " ".join(new[:13]) + " ..."))
        print()

    worst = {}  # (config, function) -> (bytes, chain text)
    callbacks = Callbacks()
    graphs = {}
    for config, obj in stacks:
        ci = os.path.splitext(obj)[0] + ".ci"
        if not os.path.exists(ci):
            sys.exit("budget.py: %s not found (compile %s with -fcallgraph-info=su)" % (ci, obj))
        g = Graph(ci, obj, prog, callbacks, Helpers(objdump, elfs.get(config)))
        graphs[config] = g
        lines = []
        for fn in g.public():
            b, chain = g.worst(g.by_name[fn])
            worst[(config, fn)] = (b, g.chain_text(chain))
            lines.append("%-36s %6d  %s" % (fn, b, g.chain_text(chain)))
        if out_dir:
            with open(os.path.join(out_dir, "stack-%s.txt" % config), "w") as f:
                f.write("# worst stack per public function, configuration %s (see budget.py)\n" % config)
                f.write("# possible targets of indirect calls (address taken in the library): %s\n"
                        % (", ".join(g.name(t) for t in g.taken) or "none"))
                f.write("\n".join(lines) + "\n")
                f.write("\n# indirect calls and the library functions they may reach:\n")
                f.write("\n".join(g.sites) + "\n")
    if stacks:
        print("Worst stack per public function, in bytes, per library configuration (static: frames")
        print("from GCC's -fcallgraph-info=su along the heaviest call chain inside the library, library")
        print("callbacks included, program callbacks not; - = not in that configuration). The chain is")
        print("the one of the first configuration that has the function; every chain: %s/stack-*.txt"
              % (out_dir or "."))
        fns = sorted({fn for (_, fn) in worst})
        cols = [c for c, _ in stacks]
        hdr = "%-40s " % "entry point" + " ".join("%6s" % c[:6] for c in cols) + "  chain (frame bytes)"
        print(hdr)
        print("-" * len(hdr))
        for fn in fns:
            nums = " ".join("%6s" % (worst[(c, fn)][0] if (c, fn) in worst else "-") for c in cols)
            first = next(c for c in cols if (c, fn) in worst)
            print("%-40s %s  %s" % (fn, nums, worst[(first, fn)][1]))
        for config, g in graphs.items():
            print("%s: indirect calls may reach %s" % (config, ", ".join(g.name(t) for t in g.taken) or "nothing in the library"))
            for cyc in sorted(g.cycles):
                print("%s: recursion cut: %s" % (config, cyc))
            if g.missing:
                print("%s: not in the image, counted as 0: %s" % (config, ", ".join(sorted(g.missing))))
            if g.dynamic:
                print("%s: dynamic frames (alloca/VLA): %s" % (config, ", ".join(sorted(g.dynamic))))
        print()

    ram = {}
    for name, obj in rams:
        # every data object the file defines: the client and the program's buffers
        total = 0
        parts = []
        for line in subprocess.run([prog, "-sW", obj], capture_output=True, text=True, check=True).stdout.splitlines():
            f = line.split()
            if len(f) >= 8 and f[3] == "OBJECT" and f[6] != "UND":
                total += int(f[2])
                parts.append("%s %d" % (f[7], int(f[2])))
        ram[name] = total
        print("RAM %s: %d bytes (%s)" % (name, total, ", ".join(parts)))
    if rams:
        print()

    passed = failed = 0
    print("Limits (%s)" % limits_path)
    for kind, what, fn, limit, no in parse_limits(limits_path):
        if kind == "flash":
            if what not in flash:
                print("  FAIL line %d: flash %s: no such configuration was measured" % (no, what))
                failed += 1
                continue
            got = flash[what]
            ok = got <= limit
            print("  %s flash %-24s %6d <= %6d" % ("ok  " if ok else "FAIL", what, got, limit))
        elif kind == "ram":
            if what not in ram:
                print("  FAIL line %d: ram %s: no such program was measured" % (no, what))
                failed += 1
                continue
            got = ram[what]
            ok = got <= limit
            print("  %s ram   %-32s %6d <= %6d" % ("ok  " if ok else "FAIL", what, got, limit))
        else:
            hits = [(worst[k][0], k[0], k[1]) for k in worst
                    if fnmatch.fnmatchcase(k[0], what) and fnmatch.fnmatchcase(k[1], fn)]
            if not hits:
                print("  FAIL line %d: stack %s %s: no such function was measured" % (no, what, fn))
                failed += 1
                continue
            got, cfg, name = max(hits)
            ok = got <= limit
            print("  %s stack %-24s %6d <= %6d  (%s in %s)" % ("ok  " if ok else "FAIL", what + " " + fn, got,
                                                              limit, name, cfg))
        if ok:
            passed += 1
        else:
            failed += 1
    print("budget: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
