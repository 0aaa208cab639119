#!/usr/bin/env bash
# Installs the editors that test/editors/ drives, idempotently (Debian packages, like
# scripts/e2e-setup.sh installs Chromium for the e2e tests):
#   - neovim (Debian 12: 0.7.2), run headless with a Lua script;
#   - emacs-nox (28.2), elpa-eglot (1.9) and elpa-yaml-mode, run with --batch;
#   - vim (9.0) and vim-ale (3.3, loaded with `packadd ale`), run with -es.
# apt-get update runs first when anything is missing. Prints nothing on stdout.
set -euo pipefail

log() { echo "[editors-setup] $*" >&2; }

need=()
for pkg in neovim emacs-nox elpa-eglot elpa-yaml-mode vim vim-ale; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
log "installing Debian packages: ${need[*]}"
# apt's lock may be held by another installer on the same machine: wait for it (up to 10 min).
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}" >&2
log "installed: ${need[*]}"
