#!/bin/bash
# tests/bench/instr.sh - instructions per message for every lane of the benchmarks: each
# program given runs once in its quick mode (BENCH_QUICK=1, tests/bench/instr.h) under
# valgrind --tool=callgrind, and one table per program gives each lane's instructions (Ir)
# per message and per byte and its ratio to its reference lane (the peer's Ir / ours), all
# from that one run. Timing ratios move between runs on this shared machine; instruction
# counts do not: they change when the code, the compiler or a library does.
#   Usage: tests/bench/instr.sh PROGRAM...   (make bench-instr passes the portable builds,
#   build/bench/instr/*; about 1 minute). Exit 1 when a program fails or a lane has no dump.
cd "$(dirname "$0")/../.." || exit 1
[ $# -gt 0 ] || { echo "usage: $0 PROGRAM..." >&2; exit 2; }
command -v valgrind >/dev/null || { echo "instr.sh: valgrind is missing (make deps-bench)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/axws-instr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
status=0
start=$SECONDS
for prog in "$@"; do
    name=$(basename "$prog")
    out=$tmp/$name
    mkdir "$out"
    t0=$SECONDS
    # callgrind counts a `rep movsb` once per byte it moves, and glibc's memcpy switches to
    # one above 2 KiB: a 16 KiB copy would count 16,400 instructions where its vector loop
    # counts 1,600. The tunables keep memcpy and memset on their vector loops here, so that
    # a copy counts about what it costs next to the code around it.
    GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=0xffffffffffffffff:glibc.cpu.x86_rep_stosb_threshold=0xffffffffffffffff \
    BENCH_QUICK=1 valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.out" \
        --log-file="$out/valgrind.log" "$prog" >"$out/stdout" 2>"$out/stderr"
    rc=$?
    /usr/bin/python3 - "$name" "$out" "$rc" "$((SECONDS - t0))" <<'PY' || status=1
import glob, os, sys

name, out, rc, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

# each dump's label (the lane's "group: lane") and its instruction count, from its header
trigger = "desc: Trigger: Client Request: "
counts = {}
for path in glob.glob(os.path.join(out, "callgrind.out.*")):
    label = None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith(trigger):
                label = line[len(trigger):].rstrip("\n")
            elif line.startswith("summary: "):
                if label is not None:
                    counts[label] = int(line.split()[1])
                break

lanes = []  # what the program said of each lane, in its order (instr.h)
with open(os.path.join(out, "stdout"), errors="replace") as f:
    for line in f:
        field = line.rstrip("\n").split("\t")
        if field[0] == "instr" and len(field) == 7:
            group, lane, reference, msgs, nbytes, state = field[1:]
            lanes.append(dict(group=group, lane=lane, reference=reference.split(" + "),
                              msgs=int(msgs), bytes=int(nbytes), state=state,
                              ir=counts.get(group + ": " + lane)))

def per(ir, n):
    return ir / n if ir is not None and n > 0 else None

by_name = {(l["group"], l["lane"]): l for l in lanes}
failed = rc != 0
rows = []
for l in lanes:
    ratio = ""
    if l["state"] != "ok":
        cells = [l["state"]]
    elif l["ir"] is None:
        cells = ["no dump: was it run under callgrind --collect-atstart=no?"]
        failed = True
    else:
        cells = [per(l["ir"], l["msgs"]), per(l["ir"], l["bytes"])]
        if l["lane"] in l["reference"]:
            ratio = "ref"
        else:
            # per message, or per byte where messages are no unit; the reference summed
            refs = [by_name.get((l["group"], r)) for r in l["reference"]]
            unit = "msgs" if all(r and r["msgs"] for r in refs) and l["msgs"] else "bytes"
            ref_per = [per(r["ir"], r[unit]) if r and r["state"] == "ok" else None for r in refs]
            mine = per(l["ir"], l[unit])
            if mine is not None and None not in ref_per and sum(ref_per) > 0:
                times = mine / sum(ref_per)
                ratio = "%.1f" % times if times >= 10 else "%.2f" % times if times >= 0.1 else "%.2g" % times
            else:
                ratio = "-"
    rows.append((l["group"], l["lane"], cells, ratio))

def fmt(v, digits):
    if v is None:
        return "-"
    return "{:,.0f}".format(v) if v >= 1000 else "%.*f" % (digits, v)

print("%s: instructions per message and per byte of each lane (callgrind, %s s)" % (name, seconds))
if rows:
    gw = max([len("group")] + [len(r[0]) for r in rows])
    lw = max([len("lane")] + [len(r[1]) for r in rows])
    print("  %-*s  %-*s  %12s  %9s  %6s" % (gw, "group", lw, "lane", "Ir/message", "Ir/byte", "ratio"))
    last = None
    for group, lane, cells, ratio in rows:
        shown = group if group != last else ""
        last = group
        if len(cells) == 1:
            print("  %-*s  %-*s  %s" % (gw, shown, lw, lane, cells[0]))
        else:
            print("  %-*s  %-*s  %12s  %9s  %6s" % (gw, shown, lw, lane, fmt(cells[0], 1), fmt(cells[1], 2), ratio))
    refs = sorted({" + ".join(l["reference"]) for l in lanes})
    summed = "; lanes joined by + are summed" if any(len(l["reference"]) > 1 for l in lanes) else ""
    print("  ratio: Ir per message over the reference's (%s%s)" % (", ".join(refs), summed))
elif rc == 0:
    print("  no lanes: does %s have a quick mode (tests/bench/instr.h)?" % name)
    failed = True
if rc != 0:
    # valgrind's reason (an instruction it does not know, a signal), else the last lines
    with open(os.path.join(out, "valgrind.log"), errors="replace") as f:
        log = [line.rstrip("\n") for line in f]
    why = [i for i, line in enumerate(log) if "Unrecognised instruction" in line or "Process terminating" in line]
    said = [log[j] for i in why[:1] for j in range(i, min(i + 2, len(log)))] or log[-4:]
    with open(os.path.join(out, "stderr"), errors="replace") as f:
        said += [line.rstrip("\n") for line in f.readlines()[-4:]]
    print("  %s stopped (exit %d) under valgrind%s:" % (name, rc, ", after the lanes above" if rows else ""))
    for line in said:
        print("    " + line)
print()
sys.exit(1 if failed else 0)
PY
done
echo "instr.sh: $# programs under callgrind in $((SECONDS - start)) s"
exit $status
