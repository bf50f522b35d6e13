#!/usr/bin/env bash
# The Debian packages, end to end, as root on a Debian 12 machine (.ci/run's last stage):
#   1. build kb-server, kb-tools and libkb-dev with CPack from the existing build directory;
#   2. lintian on each .deb (fails on errors, lists warnings);
#   3. dpkg -i (plus apt-get -f install for dependencies);
#   4. /usr/bin/kb-index build on the packaged example content, into the database /etc/default/kb-server names;
#   5. the installed kb-server started from /etc/default/kb-server on loopback (directly: CI runs no systemd),
#      searched with curl, stopped with SIGTERM (it must drain and exit 0);
#   6. systemd-analyze verify on every installed unit;
#   7. kb-index.service's script (kb-index-pull) against a local git repository: clone + update, pull + update;
#   8. an outside CMake project (find_package(kb)) and a pkg-config build linking the installed libkb-dev;
#   9. apt-get purge, and a check that no file of the packages and no /var/lib/kb is left.
# KB_BUILD_DIR (default build) is the build directory; KB_PACKAGES_PORT overrides the port of step 5.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KB_BUILD_DIR:-build}
PACKAGES=(kb-server kb-tools libkb-dev)
if [ "$(id -u)" -ne 0 ]; then
  echo "test-packages.sh: run as root (it installs and removes packages)" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
start=$SECONDS
step() { echo "== test-packages: $1 ($((SECONDS - start)) s)"; }
fail() { echo "test-packages.sh: FAILED: $1" >&2; exit 1; }

work=$(mktemp -d /tmp/kb-packages.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == *' installed' ]]; }
for p in "${PACKAGES[@]}"; do
  if installed "$p"; then fail "$p is installed already; apt-get purge -y ${PACKAGES[*]} first"; fi
done
[ ! -e /var/lib/kb ] || fail "/var/lib/kb exists already; this test needs a machine without kb"

step "build the packages (CPack, in $BUILD_DIR)"
rm -f "$BUILD_DIR"/*.deb
cmake --build "$BUILD_DIR" -j "${KB_JOBS:-2}" --target package >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
debs=()
for p in "${PACKAGES[@]}"; do
  f=$(ls "$BUILD_DIR/${p}_"*.deb 2>/dev/null | head -n1)
  [ -n "$f" ] || fail "no ${p}_*.deb in $BUILD_DIR"
  debs+=("$f")
  dpkg-deb -f "$f" Package Version Architecture Depends Recommends Suggests | sed 's/^/  /'
done

step "lintian (errors fail; warnings listed)"
lintian_rc=0
lintian --fail-on error --tag-display-limit 0 "${debs[@]}" >"$work/lintian.log" 2>&1 || lintian_rc=$?
grep -v 'running with root privileges' "$work/lintian.log" || true
echo "  lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors, $(grep -c '^W:' "$work/lintian.log" || true) warnings"
[ "$lintian_rc" -eq 0 ] || fail "lintian reported errors (exit $lintian_rc)"

step "install with dpkg -i (+ apt-get -f install)"
dpkg -i "${debs[@]}" >/dev/null || apt-get -f install -y -qq >/dev/null
for p in "${PACKAGES[@]}"; do installed "$p" || fail "$p did not install"; done
dpkg -L "${PACKAGES[@]}" | sort -u >"$work/files"

step "index the packaged example content with /usr/bin/kb-index"
# shellcheck disable=SC1091
db=$(set -a && . /etc/default/kb-server && echo "$KB_DB")
[ -n "$db" ] || fail "/etc/default/kb-server sets no KB_DB"
mkdir -p "$(dirname "$db")"
/usr/bin/kb-index build /usr/share/kb/content --db "$db" --progress never
/usr/bin/kb-index stats --db "$db" | head -n 3

step "serve it with the installed kb-server from /etc/default/kb-server, on loopback"
(
  set -a
  # shellcheck disable=SC1091
  . /etc/default/kb-server
  set +a
  if [ -n "${KB_PACKAGES_PORT:-}" ]; then export KB_PORT=$KB_PACKAGES_PORT; fi
  exec /usr/bin/kb-server
) >"$work/server.log" 2>&1 &
server_pid=$!
port=${KB_PACKAGES_PORT:-$(set -a && . /etc/default/kb-server && echo "$KB_PORT")}
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; fail "kb-server exited"; }
  sleep 0.2
done
grep -q '"web_root": *"/usr/share/kb/web"' "$work/server.log" || { cat "$work/server.log"; fail "kb-server does not use the installed web page"; }
curl -fsS "http://127.0.0.1:$port/api/search?q=refund&size=1" >"$work/search.json" || { cat "$work/server.log"; fail "search"; }
python3 - "$work/search.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["total"] > 0 and j["results"], j
print("  search 'refund': %d results, first %s (%s)" % (j["total"], j["results"][0]["id"], j["results"][0]["title"]))
PY
# Into a file first: `curl | grep -q` fails under pipefail when grep stops reading early (curl exit 23).
curl -fsS "http://127.0.0.1:$port/" >"$work/index.html" || fail "the web page is not served"
grep -q '<html' "$work/index.html" || fail "the web page served is not HTML"
kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=
[ "$rc" -eq 0 ] || { cat "$work/server.log"; fail "kb-server exited $rc on SIGTERM"; }
grep -q '"msg": *"stopped"' "$work/server.log" || fail "kb-server did not log its clean stop"

step "systemd-analyze verify"
units=$(grep -E '^/lib/systemd/system/.*\.(service|timer)$' "$work/files")
[ "$(echo "$units" | wc -l)" -eq 3 ] || fail "expected 3 units, got: $units"
# shellcheck disable=SC2086
systemd-analyze verify $units 2>&1 | tee "$work/verify.log"
if [ -s "$work/verify.log" ]; then fail "systemd-analyze verify printed the findings above"; fi
echo "  verified (no findings): $(echo "$units" | tr '\n' ' ')"

step "kb-index.service's script against a local git repository"
git init -q "$work/repo"
cp -r /usr/share/kb/content/. "$work/repo/"
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=ci -c user.email=ci@localhost commit -qm "docs"
pull() { KB_DOCS_REPO="$work/repo" KB_DOCS_DIR="$work/checkout" KB_DB="$work/timer.db" /usr/libexec/kb/kb-index-pull; }
pull >"$work/pull1.log"
head -n 1 "$work/pull1.log"
grep -q '^update .*added [1-9]' "$work/pull1.log" || fail "the first run did not index the clone"
printf -- '---\ntitle: Timer check\nkind: article\nowner: ci\ntier: L1\n---\n# Timer check\n\nPulled by the timer.\n' \
  >"$work/repo/timer-check.md"
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=ci -c user.email=ci@localhost commit -qm "one more"
pull >"$work/pull2.log"
head -n 1 "$work/pull2.log"
grep -q '^update .* 1 parsed; added 1, updated 0' "$work/pull2.log" || fail "the second run did not pull and add exactly the new file"

step "an outside CMake project and a pkg-config build against the installed libkb-dev"
cmake -S tests/install/consumer -B "$work/cmake-consumer" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/cmake-consumer" >/dev/null
"$work/cmake-consumer/kb_consumer" "$work/consumer-cmake.db"
# shellcheck disable=SC2046
c++ -std=c++20 -O1 -o "$work/pc-consumer" tests/install/consumer/main.cc $(pkg-config --cflags --libs kb)
"$work/pc-consumer" "$work/consumer-pc.db"
echo "  pkg-config --libs kb: $(pkg-config --libs kb)"

step "apt-get purge, and nothing left"
apt-get purge -y -qq "${PACKAGES[@]}" >/dev/null
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [ -n "$status" ] && [[ "$status" != *not-installed ]]; then fail "$p is still known to dpkg"; fi
done
left=$(while read -r f; do
  if [ -e "$f" ] && [ ! -d "$f" ]; then echo "$f"; fi
done <"$work/files")
for d in /usr/share/kb /usr/include/kb /usr/libexec/kb /usr/share/doc/kb-server /usr/share/doc/kb-tools \
         /usr/share/doc/libkb-dev /var/lib/kb /var/lib/private/kb; do
  if [ -e "$d" ]; then left="$left $d"; fi
done
[ -z "${left// /}" ] || fail "left after purge: $left"
step "done"
