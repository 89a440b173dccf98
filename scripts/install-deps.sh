#!/usr/bin/env bash
# Install the Debian 12 packages quietfetch needs, if any are missing.
#
#   scripts/install-deps.sh            install what is missing (root, or sudo)
#   scripts/install-deps.sh --check    only report; exit 1 if something is missing
#
# Idempotent: when everything is installed it changes nothing (under CI=true it
# still refreshes the package lists first).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  *) qf_die "usage: $0 [--check]" ;;
esac

missing=()
for pkg in "${QF_BUILD_PACKAGES[@]}" "${QF_RUNTIME_PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done

# How to run apt-get: directly as root, through sudo when that needs no
# password (or when we can ask for one on a terminal); otherwise not at all.
apt_prefix=()
can_apt=1
if ! qf_is_root; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt_prefix=(sudo -n)
  elif command -v sudo >/dev/null 2>&1 && [[ -t 0 ]]; then
    apt_prefix=(sudo)
  else
    can_apt=0
  fi
fi
apt_env=(env DEBIAN_FRONTEND=noninteractive)

if ((${#missing[@]} == 0)); then
  qf_say "install-deps: all ${#QF_BUILD_PACKAGES[@]} build and ${#QF_RUNTIME_PACKAGES[@]} runtime/test packages are installed"
  if qf_is_ci && ((check_only == 0 && can_apt == 1)); then
    "${apt_prefix[@]}" "${apt_env[@]}" apt-get update -qq </dev/null ||
      qf_warn "apt-get update failed (nothing to install, carrying on)"
  fi
  exit 0
fi

qf_say "install-deps: missing Debian packages: ${missing[*]}"
if ((check_only)); then
  exit 1
fi
if ((can_apt == 0)); then
  cat >&2 <<EOF
error: cannot install them: not root, and sudo is not available without a password.
Ask an administrator to run (as root):

    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}

then run this command again.
EOF
  exit 1
fi

"${apt_prefix[@]}" "${apt_env[@]}" apt-get update -qq </dev/null
"${apt_prefix[@]}" "${apt_env[@]}" apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" </dev/null
qf_say "install-deps: installed ${missing[*]}"
