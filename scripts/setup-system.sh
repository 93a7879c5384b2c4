#!/usr/bin/env bash
# Installs the system packages the tests need and that npm cannot bring: Debian's chromium (the broker page
# test), rsync (gitlab-ci-local's shell executor) and postgresql (the broker suite's PostgreSQL runs). Does nothing
# when they are already there.
# Run by `npm run setup` (the README's test command and .ci/run), not by every `npm test`.
# `--check` installs nothing: it lists what is missing and exits 1 if anything is (the test run's first check).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
command -v git >/dev/null 2>&1 || need+=(git)
# PostgreSQL server binaries (the broker suite starts its own throwaway cluster; Debian keeps them off PATH)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
if [ "${1:-}" = "--check" ]; then
  if [ ${#need[@]} -gt 0 ]; then
    echo "missing system packages: ${need[*]}"
    exit 1
  fi
  exit 0
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "[cxpact] installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
