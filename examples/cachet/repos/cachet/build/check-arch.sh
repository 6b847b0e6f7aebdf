#!/usr/bin/env bash
# Checks an ELF binary's machine field (e_machine, bytes 18-19) against the target architecture.
set -euo pipefail
binary="$1" target="$2"
machine="$(od -An -tx1 -j18 -N2 "$binary" | tr -d ' \n')"
case "$machine" in
  3e00) actual=x86_64 ;;
  b700) actual=arm64 ;;
  *) actual="unknown ($machine)" ;;
esac
if [ "$actual" != "$target" ]; then
  echo "$binary is built for $actual, not $target" >&2
  exit 1
fi
echo "$binary: ELF for $actual"
