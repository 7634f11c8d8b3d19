#!/usr/bin/env python3
"""Fails when two modules of a crate import each other, directly or through a ring.

Usage: module_cycles.py SRC_DIR [CRATE_NAME...]

Nodes are the crate's files (a `mod.rs` is its directory's module); an edge A -> B is any
`use` or path in A that names B or something inside B (`crate::`, `super::`, `self::` or
the crate's own name). A module's use of its own ancestors is not counted: a parent that
declares its children and a child that uses its parent's items is the shape of any module
tree. Inline `#[cfg(test)] mod tests` blocks are left out. Prints each ring it finds.
"""
import os, re, sys
from collections import defaultdict

def files(root):
    for d, _, fs in os.walk(root):
        for f in fs:
            if f.endswith('.rs'):
                yield os.path.join(d, f)

def modpath(root, path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ('mod', 'lib', 'main'):
        rel = rel[:-1]
    return tuple(rel)

def strip(src):
    src = re.sub(r'//[^\n]*', '', src)
    src = re.sub(r'/\*.*?\*/', '', src, flags=re.S)
    src = re.sub(r'"(\\.|[^"\\])*"', '""', src)
    # inline test modules: drop from `#[cfg(test)] mod x {` to the end
    m = re.search(r'#\[cfg\(test\)\]\s*mod\s+\w+\s*\{', src)
    if m:
        src = src[:m.start()]
    return src

def expand(tree):
    """'a::{b, c::{d}}' -> ['a::b', 'a::c::d']"""
    tree = tree.strip()
    i = tree.find('{')
    if i < 0:
        return [tree.split(' as ')[0].strip()]
    prefix, inner = tree[:i], tree[i+1:tree.rfind('}')]
    parts, depth, cur = [], 0, ''
    for ch in inner:
        if ch == ',' and depth == 0:
            parts.append(cur); cur = ''
            continue
        depth += ch == '{'; depth -= ch == '}'
        cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        if p.strip():
            for e in expand(p):
                out.append(prefix + e if e != 'self' else prefix.rstrip(':'))
    return out

def main(root, crate_names):
    mods = {modpath(root, f): f for f in files(root)}
    edges = defaultdict(set)
    for m, f in mods.items():
        src = strip(open(f).read())
        paths = []
        for u in re.finditer(r'\buse\s+([^;]+);', src):
            paths += expand(u.group(1))
        paths += re.findall(r'(?<![\w:])((?:crate|super)(?:::\w+)+)', src)
        for p in paths:
            segs = [s for s in re.split(r'\s*::\s*', p) if s]
            if not segs: continue
            if segs[0] == 'crate' or segs[0] in crate_names:
                base = []
                segs = segs[1:]
            elif segs[0] == 'super':
                base = list(m)
                while segs and segs[0] == 'super':
                    base = base[:-1]; segs = segs[1:]
            elif segs[0] == 'self':
                base = list(m); segs = segs[1:]
            else:
                continue
            full = tuple(base + segs)
            # longest prefix that is a file module
            for k in range(len(full), -1, -1):
                if full[:k] in mods:
                    t = full[:k]; break
            if t == m or m[:len(t)] == t:  # self or an ancestor
                continue
            edges[m].add(t)
    # Tarjan SCC
    index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            c = []
            while True:
                w = stack.pop(); on.discard(w); c.append(w)
                if w == v: break
            if len(c) > 1: sccs.append(c)
    for v in list(mods):
        if v not in index: visit(v)
    for c in sccs:
        names = sorted('::'.join(x) or 'crate' for x in c)
        print(f"{root}: these {len(c)} modules import each other in a ring: {', '.join(names)}")
    if not sccs:
        print(f"{root}: {len(mods)} modules, no import cycle")
    return len(sccs)

if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(1 if main(sys.argv[1], sys.argv[2:]) else 0)
