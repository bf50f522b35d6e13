#!/usr/bin/env bash
# Installs everything kb needs to build, test and run on Debian 12 (run as root).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config git ca-certificates curl python3 \
  libxapian-dev xapian-tools libcmark-dev libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev \
  libsqlite3-dev libssl-dev libjemalloc-dev libhunspell-dev hunspell-en-us hunspell-tr \
  libbenchmark-dev libgtest-dev libgmock-dev \
  wrk xapian-omega bc time \
  clang-14 libclang-rt-14-dev clang-format \
  chromium chromium-driver \
  lintian nginx-light openssl systemd >/dev/null
# npm: the machine's own Node.js when it has one (a NodeSource nodejs conflicts with Debian's npm package),
# else Debian's.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
# axe-core checks the web page for WCAG 2.1 A/AA violations in the browser test (tests/server/CMakeLists.txt,
# KB_AXE_JS); pinned, installed once here so that tests need no network.
$SUDO npm install --prefix /opt/kb-axe --no-audit --no-fund --silent axe-core@4.10.3 >/dev/null
