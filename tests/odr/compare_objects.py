#!/usr/bin/env python3
"""Compares two object files: every function defined in both under the same (mangled) name with
external linkage that lmul defines (lmul::...) must have the same code (instructions and relocations, from objdump), since the
linker keeps one copy for both. Exit 1 with the differing names otherwise.
Usage: compare_objects.py A.o B.o"""
import re
import subprocess
import sys


def functions(path):
    out = subprocess.run(["objdump", "-d", "-r", "--no-show-raw-insn", "-w", path],
                         check=True, capture_output=True, text=True).stdout
    funcs, name, body = {}, None, []
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            if name is not None:
                funcs[name] = body
            name, body = m.group(1), []
        elif name is not None and line.strip() and not line.startswith("Disassembly of section"):
            # drop the address column; keep instructions and relocation targets
            body.append(re.sub(r"^\s*[0-9a-f]+:\s*", "", line))
    if name is not None:
        funcs[name] = body
    return funcs


def linked_names(path):
    """Names the linker sees across units: global and weak (COMDAT) definitions, not local ones."""
    out = subprocess.run(["nm", "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    return {f[2] for f in (line.split() for line in out.splitlines())
            if len(f) == 3 and f[1] in "TWVu"}


def lmul_owned(names):
    """The names of functions lmul itself defines (demangled name starting with lmul::). Standard
    library templates instantiated on lmul types (std::vector<lmul::float8_e4m3fn>, ...) are shared
    as with any C++ code built with mixed flags (docs/kernels.md, residual risk): not lmul's to rename."""
    names = sorted(names)
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return {n for n, d in zip(names, out) if d.startswith("lmul::")}


def main():
    a, b = functions(sys.argv[1]), functions(sys.argv[2])
    global_a, global_b = linked_names(sys.argv[1]), linked_names(sys.argv[2])
    global_a, global_b = lmul_owned(global_a), lmul_owned(global_b)
    lmul_a = set(global_a)
    if not lmul_a:
        print("no lmul function with external linkage in", sys.argv[1], "- nothing was compared")
        return 1
    shared = sorted(a.keys() & b.keys() & global_a & global_b)
    differing = [n for n in shared if a[n] != b[n]]
    print(f"{len(lmul_a)} linked lmul functions in the first object; {len(shared)} of them also "
          f"in the second; "
          f"{len(differing)} with different code")
    for n in differing[:20]:
        print("  differs:", subprocess.run(["c++filt", n], capture_output=True, text=True).stdout.strip())
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
