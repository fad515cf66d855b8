#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's end-to-end tests (test/dashboard-e2e.test.ts) and
# prints the path of the browser on stdout (diagnostics go to stderr). .ci/run does:
#   export ANNEXA_CHROMIUM="$(bash scripts/install-chromium.sh)"
# - ANNEXA_CHROMIUM already set to an executable: printed again, nothing installed.
# - chromium on PATH: its path is printed.
# - otherwise: apt-get install chromium (needs root). playwright-core drives this browser; it never
#   downloads a browser build of its own.
# Exits non-zero, printing nothing on stdout, when no browser could be found or installed; the
# end-to-end test then fails with a message saying to run this script.
set -uo pipefail

log() { printf 'install-chromium: %s\n' "$*" >&2; }

if [[ -n "${ANNEXA_CHROMIUM:-}" && -x "${ANNEXA_CHROMIUM}" ]]; then
  printf '%s\n' "$ANNEXA_CHROMIUM"
  exit 0
fi

find_browser() {
  local name
  for name in chromium chromium-browser; do
    command -v "$name" 2>/dev/null && return 0
  done
  return 1
}

if browser="$(find_browser)"; then
  printf '%s\n' "$browser"
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then log "chromium is not installed and installing it needs root"; exit 1; fi
log "installing chromium from Debian's packages"
if ! { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2; }; then
  log "apt-get install chromium failed"; exit 1
fi
browser="$(find_browser)" || { log "no chromium on PATH after installing it"; exit 1; }
log "installed $browser"
printf '%s\n' "$browser"
