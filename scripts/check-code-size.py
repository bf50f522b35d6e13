#!/usr/bin/env python3
"""House limits on libkb's code size (STYLE.md): no .cc file over MAX_FILE lines, no function over MAX_FN lines.

    python3 scripts/check-code-size.py [--max-file N] [--max-fn N] [FILE...]   (default: libkb/**/*.cc)

A function is a brace block whose header (the text since the previous ';', '{' or '}') holds a parameter list
and is not a control statement, an initializer or a type; nested blocks and lambdas count toward the function
that holds them. Comments, preprocessor lines, strings, character and raw string literals are blanked first. Exit 1 on any excess.
"""
import argparse
import pathlib
import re
import sys

CONTROL = re.compile(r'^(if|for|while|switch|catch|else|do|try|namespace|class|struct|enum|union)\b')
INITIALIZER = re.compile(r'(=|\breturn\b|,|\()\s*[\w:<>]*\s*$')


def blank_literals(src):
    src = re.sub(r'(?m)^[ \t]*#.*$', lambda m: ' ' * len(m.group(0)), src)  # preprocessor lines
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
        elif re.match(r'(u8|u|U|L)?R"', src[i:i + 4]) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == '_')):
            m = re.match(r'(?:u8|u|U|L)?R"([^(\s]*)\(', src[i:])
            if not m:
                out.append(src[i]); i += 1; continue
            end = ')' + m.group(1) + '"'
            j = src.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
        elif src[i] in '"\'':
            if src[i] == "'" and i > 0 and src[i - 1].isalnum():  # digit separator: 86'400'000
                out.append(' '); i += 1; continue
            j = i + 1
            while j < n and src[j] != src[i] and src[j] != '\n':
                j += 2 if src[j] == '\\' else 1
            j += 1
        else:
            out.append(src[i]); i += 1; continue
        out.append(re.sub(r'[^\n]', ' ', src[i:j]))
        i = j
    return ''.join(out)


def long_functions(source, limit):
    text = blank_literals(source)
    found, stack, line, start = [], [], 1, 0
    for k, ch in enumerate(text):
        if ch == '\n':
            line += 1
        elif ch == '{':
            head = ' '.join(text[start:k].split())
            in_fn = any(kind == 'fn' for kind, _, _ in stack)
            before_paren = head[:head.find('(')] if '(' in head else head
            is_fn = (not in_fn and ')' in head and not CONTROL.match(head) and not CONTROL.search(before_paren)
                     and not INITIALIZER.search(head))
            stack.append(('fn' if is_fn else 'block', line, head[-90:]))
            start = k + 1
        elif ch == '}':
            if stack:
                kind, first, head = stack.pop()
                if kind == 'fn' and line - first + 1 > limit:
                    found.append((first, line - first + 1, head))
            start = k + 1
        elif ch == ';':
            start = k + 1
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--max-file', type=int, default=450)
    parser.add_argument('--max-fn', type=int, default=60)
    parser.add_argument('files', nargs='*')
    args = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    files = args.files or sorted(str(p) for p in (root / 'libkb').rglob('*.cc'))
    bad = 0
    for f in files:
        source = pathlib.Path(f).read_text(encoding='utf-8', errors='replace')
        lines = source.count('\n')
        if lines > args.max_file:
            print(f'{f}: {lines} lines (limit {args.max_file}): split it by job')
            bad += 1
        for first, length, head in long_functions(source, args.max_fn):
            print(f'{f}:{first}: function of {length} lines (limit {args.max_fn}): {head}')
            bad += 1
    print(f'check-code-size: {len(files)} files, {bad} over the limits')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
