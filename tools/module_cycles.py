#!/usr/bin/env python3
"""Lists import cycles between the modules (files) of each crate and fails if there is one.

A module is a source file; an edge A -> B means A names something of B (`crate::b::...`,
`super::...`, `use crate::{b, c::d}`). Re-exports from another crate (`pub use monalisa_core::x`)
are not modules of this crate, so they carry no edge. A `mod` declaration is not an edge, nor is a `pub use` re-export (a module's facade).
Usage: tools/module_cycles.py [crate dir ...] (default: every crate of the workspace).
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = ["core", "store", "store-sql", "store-stories", "planner", "import", "app", "server"]


def modules(src):
    """Maps module path tuples to files."""
    found = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            found[tuple(rel)] = os.path.join(dirpath, f)
    return found


def strip(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    return text


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']"""
    tree = tree.strip()
    m = re.match(r"^([\w:]*?)::\{(.*)\}$", tree, re.S)
    if not m:
        return [tree]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        p = p.strip()
        if p:
            out += [prefix + "::" + e for e in expand_use(p)]
    return out


def resolve(path, mods):
    """The deepest module a `a::b::c` path (relative to the crate root) lands in."""
    parts = [p for p in path.split("::") if p and p not in ("self", "*")]
    for n in range(len(parts), 0, -1):
        if tuple(parts[:n]) in mods:
            return tuple(parts[:n])
    return None


def edges(mod, file, mods):
    text = strip(open(file, encoding="utf-8").read())
    paths = []
    # `pub use` re-exports (a module's facade over its children) are not dependencies.
    for m in re.finditer(r"(\bpub(?:\([a-z]+\))?\s+)?\buse\s+([^;]+);", text):
        if m.group(1):
            continue
        paths += expand_use(re.sub(r"\s+as\s+\w+", "", m.group(2)))
    paths += re.findall(r"\b((?:crate|super)(?:::\w+)+)", text)
    out = set()
    for p in paths:
        p = p.strip()
        if p.startswith("crate::"):
            target = resolve(p[len("crate::"):], mods)
        elif p.startswith("super::"):
            base = list(mod)
            # a file `x.rs` or `x/mod.rs` is the module x: `super` is its parent
            while p.startswith("super::"):
                base = base[:-1]
                p = p[len("super::"):]
            target = resolve("::".join(base + [p]), mods) if base or p else None
        elif p.startswith("self::"):
            target = resolve("::".join(list(mod) + [p[len("self::"):]]), mods)
        else:
            # a path relative to this module: `child::item` names a child module
            first = p.split("::")[0]
            if tuple(list(mod) + [first]) not in mods:
                continue
            target = resolve("::".join(list(mod) + [p]), mods)
        if target is not None and target != mod and not (len(target) < len(mod) and mod[: len(target)] == target and target == ()):
            out.add(target)
    return out


def cycles(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def main():
    crates = sys.argv[1:] or CRATES
    failed = False
    for crate in crates:
        src = os.path.join(ROOT, crate, "src")
        mods = modules(src)
        graph = {m: edges(m, f, mods) for m, f in mods.items()}
        found = cycles(graph)
        for comp in found:
            failed = True
            names = ["::".join(c) or "(crate root)" for c in comp]
            print(f"{crate}: import cycle between {', '.join(names)}")
            for a in comp:
                for b in sorted(graph[a] & set(comp)):
                    print(f"    {'::'.join(a) or '(root)'} -> {'::'.join(b) or '(root)'}")
        if not found:
            print(f"{crate}: {len(mods)} modules, no import cycle")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
