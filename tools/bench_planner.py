#!/usr/bin/env python3
"""The planning benchmark: the engine and the anchor solvers on the same instances, at the same
time limits, scored by the benchmark's independent evaluator. Prints one table.

    python3 tools/bench_planner.py [--bench ../shared/bench] [--only territory,department]

- Instances: those shipped in ../shared/bench/instances, plus freshly generated seeds
  (generate.py) so the engine is not tuned to the public ones.
- Time limits (single core): team and territory 1 s, department 10 s, nation 120 s; VROOM also
  at 30 s on territory (the goal's reference).
- Wall time and peak memory are measured from outside each process with /usr/bin/time -v.
- Anchor results are cached (keyed by instance content, solver and options) in the scratch
  directory, so a rerun only pays for the engine. The scratch directory also holds the Python
  virtual environment with ../shared/bench/requirements.txt (default: target/bench-planner).
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINE = os.path.join(ROOT, "target", "release", "monalisa")
LIMITS = {"team": 1, "territory": 1, "department": 10, "nation": 120}
FRESH_SEEDS = {"territory": [11], "department": [11]}


def run_timed(cmd, log):
    """Runs cmd under /usr/bin/time -v; returns (exit code, wall s, peak MB)."""
    with open(log, "w") as out:
        code = subprocess.call(["/usr/bin/time", "-v"] + cmd, stdout=out, stderr=subprocess.STDOUT)
    text = open(log).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    seconds = 0.0
    if wall:
        for part in wall.group(1).split(":"):
            seconds = seconds * 60 + float(part)
    return code, seconds, (int(peak.group(1)) / 1024 if peak else float("nan"))


def evaluate(python, bench, instance, solution):
    out = subprocess.run([python, os.path.join(bench, "evaluate.py"), instance, solution], capture_output=True, text=True)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"feasible": False, "errors": [out.stderr.strip()[-300:]]}


def ensure_venv(scratch, bench):
    env_dir = os.path.join(scratch, "venv")
    python = os.path.join(env_dir, "bin", "python")
    marker = os.path.join(env_dir, ".requirements-installed")
    requirements = os.path.join(bench, "requirements.txt")
    wanted = open(requirements).read()
    if not (os.path.exists(marker) and open(marker).read() == wanted):
        print(f"Installing the anchor solvers into {env_dir} (once)", file=sys.stderr)
        venv.create(env_dir, with_pip=True)
        subprocess.check_call([python, "-m", "pip", "install", "-q", "-r", requirements])
        with open(marker, "w") as f:
            f.write(wanted)
    return python


def instance_list(python, bench, scratch, only):
    items = []
    for name in sorted(os.listdir(os.path.join(bench, "instances"))):
        size = name.split("-")[0]
        if name.endswith(".json") and (not only or size in only):
            items.append((size, os.path.join(bench, "instances", name)))
    for size, seeds in FRESH_SEEDS.items():
        if only and size not in only:
            continue
        for seed in seeds:
            path = os.path.join(scratch, "instances", f"{size}-s{seed}.json")
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                gen = [python, os.path.join(bench, "generate.py"), "--size", size, "--seed", str(seed), "--out", path]
                subprocess.check_call(gen, stdout=subprocess.DEVNULL)
            items.append((size, path))
    order = list(LIMITS)
    return sorted(items, key=lambda item: (order.index(item[0]), item[1]))


def anchor_runs(size):
    """(label, solver, limit, extra options) of the anchors run on an instance of this size."""
    if size == "nation":
        return []  # a dense matrix of 8 GB: out of reach here (../shared/bench/README.md)
    limit = LIMITS[size]
    runs = [("vroom", "vroom", limit, []), ("pyvrp", "pyvrp", limit, [])]
    if size == "department":
        # VROOM's time limit does not bound its construction at higher exploration levels.
        runs[0] = ("vroom -x1", "vroom", limit, ["--exploration", "1"])
    if size == "territory":
        runs.append(("vroom 30 s", "vroom", 30, []))
    return runs


def run_anchor(python, bench, scratch, instance, solver, limit, extra):
    digest = hashlib.sha256(open(instance, "rb").read()).hexdigest()[:16]
    key = hashlib.sha256(json.dumps([digest, solver, limit, extra]).encode()).hexdigest()[:20]
    cache = os.path.join(scratch, "anchors", key + ".json")
    if os.path.exists(cache):
        return json.load(open(cache))
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    out = os.path.join(scratch, "anchors", key + ".solution.json")
    cmd = [python, os.path.join(bench, "anchors.py"), solver, instance, out, "--time-limit", str(limit)] + extra
    code, wall, peak = run_timed(cmd, os.path.join(scratch, "anchors", key + ".log"))
    result = evaluate(python, bench, instance, out) if code == 0 else {"feasible": False, "errors": [f"exit {code}"]}
    result.update(wall_s=wall, peak_mb=peak)
    with open(cache, "w") as f:
        json.dump(result, f)
    return result


def run_engine(python, bench, scratch, instance, limit, seed):
    out = os.path.join(scratch, "engine", os.path.basename(instance).replace(".json", ".solution.json"))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    cmd = [ENGINE, "plan", "--instance", instance, "--out", out, "--time-limit", str(limit), "--seed", str(seed)]
    code, wall, peak = run_timed(cmd, out + ".log")
    if code != 0:
        return {"feasible": False, "errors": [f"exit {code}, see {out}.log"], "wall_s": wall, "peak_mb": peak}, None
    result = evaluate(python, bench, instance, out)
    result.update(wall_s=wall, peak_mb=peak)
    return result, json.load(open(out)).get("stats", {})


def row(instance, solver, limit, r):
    served = r.get("priority_served", "-")
    total = r.get("priority_total", "-")
    km = r.get("travel_km")
    km = f"{km:,.0f}" if isinstance(km, (int, float)) else "-"
    feasible = "yes" if r.get("feasible") else "NO " + "; ".join(map(str, r.get("errors", [])))[:60]
    wall = r.get("wall_s")
    peak = r.get("peak_mb")
    wall = f"{wall:.1f}" if isinstance(wall, (int, float)) else "-"
    peak = f"{peak:,.0f}" if isinstance(peak, (int, float)) else "-"
    print(f"{instance:<16} {solver:<18} {limit:>6} {served:>10} {total:>10} {km:>10} {wall:>8} {peak:>9}  {feasible}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "bench"))
    ap.add_argument("--scratch", default=os.environ.get("MONALISA_BENCH_DIR", os.path.join(ROOT, "target", "bench-planner")))
    ap.add_argument("--only", help="comma-separated sizes: team,territory,department,nation")
    ap.add_argument("--no-anchors", action="store_true", help="only the engine")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    bench = os.path.abspath(args.bench)
    if not os.path.exists(os.path.join(bench, "evaluate.py")):
        sys.exit(f"no benchmark at {bench} (pass --bench)")
    if not os.path.exists(ENGINE):
        sys.exit(f"{ENGINE} is missing: build it with `cargo build --release -p monalisa-server`")
    os.makedirs(args.scratch, exist_ok=True)
    python = ensure_venv(args.scratch, bench)
    only = set(args.only.split(",")) if args.only else None
    print("Planning benchmark: served priority (higher is better), travel km, wall time and peak memory")
    print("from /usr/bin/time -v; every solution scored by evaluate.py. Single core. Anchors cached.\n")
    print(f"{'instance':<16} {'solver':<18} {'limit':>6} {'served':>10} {'of total':>10} {'km':>10} {'wall s':>8} {'peak MB':>9}  feasible")
    for size, instance in instance_list(python, bench, args.scratch, only):
        name = os.path.basename(instance).replace(".json", "")
        limit = LIMITS[size]
        result, stats = run_engine(python, bench, args.scratch, instance, limit, args.seed)
        row(name, "monalisa", f"{limit} s", result)
        if stats and "greedy" in stats:
            greedy = result.get("priority_total", 0) - stats["greedy"]["priority_lost"]
            row(name, "  (its greedy)", "", {"priority_served": greedy, "feasible": True,
                                              "travel_km": None, "priority_total": result.get("priority_total")})
        if not args.no_anchors:
            for label, solver, alimit, extra in anchor_runs(size):
                r = run_anchor(python, bench, args.scratch, instance, solver, alimit, extra)
                row(name, label, f"{alimit} s", r)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
