#!/usr/bin/env bash
# CI of the hashes repo: every hash line is well formed and names each file once.
set -euo pipefail
file="${1:-README}"
bad=0
grep '^hash ' "$file" | while read -r word name algo hex url extra; do
  if [ "$algo" != sha256 ] || ! [[ "$hex" =~ ^[0-9a-f]{64}$ ]] || ! [[ "$url" =~ ^https?:// ]] || [ -n "${extra:-}" ]; then
    echo "malformed line for $name" >&2
    exit 1
  fi
done || bad=1
dups="$(grep '^hash ' "$file" | awk '{print $2}' | sort | uniq -d)"
if [ -n "$dups" ]; then echo "listed twice: $dups" >&2; bad=1; fi
[ "$bad" = 0 ] && echo "$(grep -c '^hash ' "$file") hash lines, all well formed"
exit "$bad"
