#!/usr/bin/env bash
# Installs what the e2e tests need (docs/architecture.md, "Tests"), idempotently:
#   - Debian packages: chromium (the browser Playwright drives), libkrb5-dev + pkg-config
#     (code-server's native modules build against them), ripgrep (its search binary);
#   - code-server@4.100.3 from npm (VS Code 1.100.3, the last that runs on Node 20) into
#     .work/code-server (gitignored), not into the project's dependencies.
# Prints the path of the code-server binary as its last line.
# Env: E2E_CACHE_DIR overrides the cache folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${E2E_CACHE_DIR:-$ROOT/.work/code-server}"
VERSION="4.100.3"
BIN="$CACHE/node_modules/.bin/code-server"

log() { echo "[e2e-setup] $*" >&2; }

# 1. Debian packages (skip apt entirely when everything is present).
need=()
for pkg in chromium libkrb5-dev pkg-config ripgrep; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  log "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

# 2. code-server from npm, into its own folder.
if [ -x "$BIN" ] && [ "$(cat "$CACHE/.version" 2>/dev/null)" = "$VERSION" ]; then
  log "code-server $VERSION already installed in $CACHE"
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE"
# @vscode/ripgrep's postinstall downloads from GitHub unless it finds this cached archive:
# a tar.gz holding the single file `rg`, here Debian's.
TMP_BASE="${TMPDIR:-/tmp}"
RG_CACHE="$TMP_BASE/vscode-ripgrep-cache-1.15.11"
RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$RG_TAR" ]; then
  mkdir -p "$RG_CACHE"
  tmpd="$(mktemp -d)"
  cp "$(command -v rg)" "$tmpd/rg"
  tar -czf "$RG_TAR" -C "$tmpd" rg
  rm -rf "$tmpd"
fi

[ -f "$CACHE/package.json" ] || echo '{"name":"resim-e2e-code-server","private":true}' > "$CACHE/package.json"
log "installing code-server@$VERSION into $CACHE (about a minute)"
(
  cd "$CACHE"
  npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --no-save "code-server@$VERSION" >&2
)
[ -x "$BIN" ] || { log "code-server binary missing after install: $BIN"; exit 1; }
echo "$VERSION" > "$CACHE/.version"
log "code-server $VERSION ready"
echo "$BIN"
