#!/usr/bin/env bash
# The Debian 13 toolchain, on any Debian host.
#
# Sourced by the other scripts. On Debian 13 it installs the packages with apt-get and
# runs commands natively; elsewhere (Debian 12 here and in CI) it makes a Debian 13 root
# once with debootstrap and runs commands inside it with bubblewrap, the checkout
# mounted at the same path. Idempotent: a stamp file listing the packages makes a
# second run do nothing. The mirror is read from the host's apt configuration.
set -euo pipefail

KASSERT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KASSERT_CACHE=${KASSERT_CACHE:-/var/cache/kassert}
KASSERT_ROOT=${KASSERT_ROOT:-$KASSERT_CACHE/trixie}

# Build, test and run-time packages (Debian 13 names). Keep sorted.
KASSERT_PACKAGES=(
  appstream ca-certificates ccache clang-19 cmake desktop-file-utils dpkg-dev file
  fontconfig fonts-dejavu-core g++ kubectl libclang-rt-19-dev
  libkf6syntaxhighlighting-dev libqt6svg6 libyaml-cpp-dev llvm-19 ninja-build openssl
  prometheus prometheus-alertmanager python3 qt6-base-dev qt6-charts-dev qt6-qpa-plugins
  qt6-svg-dev qt6-svg-plugins xauth xvfb
)

log() { printf '[toolchain] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

host_is_trixie() {
  [ -r /etc/os-release ] && grep -qE '^VERSION_CODENAME=(trixie)$' /etc/os-release
}

# The first Debian mirror the host's apt already uses (deb822 or one-line format).
host_mirror() {
  local uri=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk '/^deb / && $2 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then
    log "cannot find a Debian mirror in the host's apt configuration"
    return 1
  fi
  printf '%s\n' "$uri"
}

packages_stamp() { printf '%s\n' "${KASSERT_PACKAGES[@]}"; }

ensure_host_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v bwrap >/dev/null || missing+=(bubblewrap)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} on the host"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_root() {
  if [ -x "$KASSERT_ROOT/usr/bin/apt-get" ] && [ -f "$KASSERT_ROOT/.kassert-bootstrapped" ]; then
    return 0
  fi
  local mirror
  mirror=$(host_mirror)
  log "creating a Debian 13 root in $KASSERT_ROOT (about 30 s)"
  as_root rm -rf "$KASSERT_ROOT"
  as_root mkdir -p "$KASSERT_ROOT"
  as_root debootstrap --variant=minbase trixie "$KASSERT_ROOT" "$mirror" >"$KASSERT_CACHE/debootstrap.log" 2>&1 || {
    log "debootstrap failed; see $KASSERT_CACHE/debootstrap.log"
    return 1
  }
  as_root touch "$KASSERT_ROOT/.kassert-bootstrapped"
}

ensure_packages() {
  local stamp="$1"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(packages_stamp)" ]; then
    return 0
  fi
  log "installing ${#KASSERT_PACKAGES[@]} packages (about a minute)"
  if host_is_trixie; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${KASSERT_PACKAGES[@]}" >/dev/null
  else
    as_root cp /etc/resolv.conf "$KASSERT_ROOT/etc/resolv.conf"
    as_root bwrap --bind "$KASSERT_ROOT" / --proc /proc --dev /dev \
      env DEBIAN_FRONTEND=noninteractive sh -c \
      "apt-get update -qq && apt-get install -y -qq --no-install-recommends $(printf '%s ' "${KASSERT_PACKAGES[@]}") >/dev/null"
  fi
  packages_stamp | as_root tee "$stamp" >/dev/null
}

# Makes sure the toolchain is there; cheap when it already is.
toolchain_ensure() {
  if host_is_trixie; then
    as_root mkdir -p "$KASSERT_CACHE"
    ensure_packages "$KASSERT_CACHE/packages.stamp"
  else
    as_root mkdir -p "$KASSERT_CACHE"
    ensure_host_tools
    ensure_root
    ensure_packages "$KASSERT_ROOT/.kassert-packages"
  fi
}

# Runs a command with the toolchain: natively on Debian 13, else inside the root with
# the checkout (and /tmp, for Xvfb sockets and test scratch) at the same paths.
toolchain_run() {
  if host_is_trixie; then
    "$@"
    return
  fi
  local args=(
    --bind "$KASSERT_ROOT" /
    --proc /proc --dev /dev
    --bind "$KASSERT_REPO" "$KASSERT_REPO"
    --bind /tmp /tmp
    --chdir "$PWD"
    --unshare-pid --die-with-parent
    --setenv HOME "${HOME:-/root}"
    --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    --setenv CCACHE_DIR "$KASSERT_CACHE/ccache"
    --setenv CCACHE_BASEDIR "$KASSERT_REPO"
    --setenv CCACHE_NOHASHDIR true
  )
  [ -d "${HOME:-/root}" ] && args+=(--bind "${HOME:-/root}" "${HOME:-/root}")
  mkdir -p "$KASSERT_CACHE/ccache"
  args+=(--bind "$KASSERT_CACHE/ccache" "$KASSERT_CACHE/ccache")
  # The user's cluster: their kubeconfig files, wherever KUBECONFIG points.
  if [ -n "${KUBECONFIG:-}" ]; then
    local f
    IFS=: read -ra files <<<"$KUBECONFIG"
    for f in "${files[@]}"; do
      [ -e "$f" ] && args+=(--ro-bind "$f" "$f")
    done
  fi
  [ -n "${DISPLAY:-}" ] && args+=(--setenv DISPLAY "$DISPLAY")
  [ -n "${XAUTHORITY:-}" ] && [ -e "$XAUTHORITY" ] && args+=(--ro-bind "$XAUTHORITY" "$XAUTHORITY")
  bwrap "${args[@]}" "$@"
}
