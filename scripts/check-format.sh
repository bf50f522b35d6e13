#!/usr/bin/env bash
# Checks or applies kb's C++ format (.clang-format) with clang-format.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/check-format.sh [FILE...]
       scripts/check-format.sh --fix [FILE...]
       scripts/check-format.sh --help

Checks that C++ sources and headers follow .clang-format (clang-format --dry-run --Werror) and lists the
files that do not. Without FILE: every *.cc and *.h file tracked by git, except those matching a pattern in
.clang-format-pending (files not yet formatted; see the comment at its top).

  --fix      format in place instead: the FILEs given (even pending ones), else every file the check covers
  --help     this text

Paths are relative to the repository root or absolute. Environment: CLANG_FORMAT, the program to run
(default: clang-format, else clang-format-14). CI uses Debian 12's clang-format 14
(scripts/install-deps.sh); another version may format some lines differently.

Exit status: 0 all files formatted (or --fix done), 1 some files need formatting, 2 usage error, missing
clang-format or a file that cannot be read.
EOF
}

fix=0
files=()
for arg in "$@"; do
  case "$arg" in
    --help | -h) usage; exit 0 ;;
    --fix) fix=1 ;;
    -*) echo "check-format: unknown option '$arg' (see --help)" >&2; exit 2 ;;
    *) files+=("$arg") ;;
  esac
done

# Paths given on the command line are taken relative to the caller's directory.
caller=$PWD
root=$(cd "$(dirname "$0")/.." && pwd)
for i in "${!files[@]}"; do
  f=${files[$i]}
  [[ $f == /* ]] || f=$caller/$f
  if [ ! -f "$f" ] || [ ! -r "$f" ]; then
    echo "check-format: no readable file '${files[$i]}'" >&2
    exit 2
  fi
  files[$i]=$f
done
cd "$root"

if [ -n "${CLANG_FORMAT:-}" ]; then
  clang_format=$CLANG_FORMAT
elif command -v clang-format >/dev/null 2>&1; then
  clang_format=clang-format
else
  clang_format=clang-format-14
fi
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "check-format: '$clang_format' not found; install it with 'apt-get install clang-format'" \
    "(or run scripts/install-deps.sh), or set CLANG_FORMAT to its path" >&2
  exit 2
fi
version=$("$clang_format" --version | sed -n 's/.*version \([0-9][0-9]*\).*/\1/p')
if [ "$version" != 14 ]; then
  echo "check-format: note: $clang_format is version ${version:-unknown}; CI checks with version 14" >&2
fi

if [ ${#files[@]} -eq 0 ]; then
  if ! git_error=$(git rev-parse --is-inside-work-tree 2>&1 >/dev/null); then
    echo "check-format: cannot list the files git tracks in $root (${git_error:-not a git checkout});" \
      "name the files to check" >&2
    exit 2
  fi
  pending=()
  if [ -f .clang-format-pending ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      line=${line%$'\r'}
      [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
      pending+=("$line")
    done <.clang-format-pending
  fi
  skipped=0
  while IFS= read -r -d '' f; do
    for p in "${pending[@]+"${pending[@]}"}"; do
      # shellcheck disable=SC2053  # $p is a glob on purpose
      if [[ $f == $p ]]; then skipped=$((skipped + 1)); continue 2; fi
    done
    [ -f "$f" ] && files+=("$f")  # a file deleted but not yet committed is not checked
  done < <(git ls-files -z -- '*.cc' '*.h')
  if [ "$skipped" -gt 0 ]; then
    echo "check-format: $skipped file(s) skipped as pending in .clang-format-pending"
  fi
fi

if [ "$fix" -eq 1 ]; then
  [ ${#files[@]} -eq 0 ] || "$clang_format" -i --style=file -- "${files[@]}"
  echo "check-format: formatted ${#files[@]} file(s)"
  exit 0
fi

[ ${#files[@]} -gt 0 ] || { echo "check-format: no C++ files to check"; exit 0; }
# One run over all files. clang-format reports each difference as "FILE:LINE:COL: error: code should be
# clang-formatted"; anything else it prints with a failure is an error of its own (a bad .clang-format).
status=0
out=$("$clang_format" --dry-run --Werror --style=file -- "${files[@]}" 2>&1) || status=$?
first=$(grep -E '^.+:[0-9]+:[0-9]+: error: code should be clang-formatted' <<<"$out" |
  sed 's/: error: .*//' | awk '{ f = $0; sub(/:[0-9]+:[0-9]+$/, "", f); if (!seen[f]++) print }') || true
if [ "$status" -ne 0 ] && [ -z "$first" ]; then
  echo "check-format: $clang_format failed:" >&2
  echo "$out" >&2
  exit 2
fi
if [ -n "$first" ]; then
  bad=()
  while IFS= read -r line; do bad+=("${line%:*:*}"); done <<<"$first"
  echo "check-format: ${#bad[@]} of ${#files[@]} file(s) need formatting (each with where it first differs):"
  sed "s|^$root/||; s|^|  |" <<<"$first"
  if [ ${#bad[@]} -le 10 ]; then
    echo "Fix them with: scripts/check-format.sh --fix ${bad[*]#"$root"/}"
  else
    echo "Fix them with: scripts/check-format.sh --fix"
  fi
  echo "(clang-format --dry-run FILE shows every difference)"
  exit 1
fi
echo "check-format: ${#files[@]} file(s) formatted as .clang-format says"
