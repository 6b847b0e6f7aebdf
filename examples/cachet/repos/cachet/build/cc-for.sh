#!/usr/bin/env bash
# Prints the C compiler that builds for the given target architecture on this machine, or fails
# saying what to install: a binary is never labelled with an architecture it was not built for.
set -euo pipefail
target="${1:?usage: cc-for.sh <x86_64|arm64>}"
host="$(uname -m)"
[ "$host" = aarch64 ] && host=arm64
if [ "$target" = "$host" ]; then echo cc; exit 0; fi
case "$target" in
  x86_64) triplet=x86_64-linux-gnu ;;
  arm64) triplet=aarch64-linux-gnu ;;
  *) echo "no known cross compiler for $target" >&2; exit 1 ;;
esac
if command -v "$triplet-gcc" >/dev/null; then echo "$triplet-gcc -static"; exit 0; fi
echo "cannot build for $target on $host: install $triplet-gcc (Debian: apt-get install gcc-$triplet)" >&2
exit 1
