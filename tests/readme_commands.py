#!/usr/bin/env python3
"""Print the ctk command lines of README.md's ```sh blocks, one per line, in
order (backslash continuations joined, trailing comments dropped), for
tests/e2e/readme_examples.sh. A line qualifies when its command, after any
VAR=value prefixes, is `ctk`. Lines of one block that are all `ctk mark`
are printed as one line joined with " ; " prefixed "MARKS " (they run inside
a collector). usage: readme_commands.py README.md"""
import re
import shlex
import sys


def logical_lines(block):
    out, cur = [], ""
    for raw in block.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        out.append(cur + line)
        cur = ""
    if cur:
        out.append(cur)
    return out


def strip_comment(line):
    """The line without a trailing # comment: a '#' outside quotes that
    starts a word."""
    q = None
    for i, ch in enumerate(line):
        if q:
            if ch == q:
                q = None
        elif ch in "'\"":
            q = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.strip()


def command_word(line):
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    for w in words:
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w):
            continue
        return w
    return None


text = open(sys.argv[1], encoding="utf-8").read()
for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S):
    cmds = [strip_comment(l) for l in logical_lines(block)]
    cmds = [c.strip() for c in cmds if c.strip() and command_word(c.strip()) == "ctk"]
    if not cmds:
        continue
    if all(c.startswith("ctk mark ") for c in cmds):
        print("MARKS " + " ; ".join(cmds))
        continue
    for c in cmds:
        print(c)
