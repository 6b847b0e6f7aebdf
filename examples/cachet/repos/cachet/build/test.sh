#!/usr/bin/env bash
# Smoke test: a few commands through cachet and the answers they must give.
set -euo pipefail
got="$(printf 'PING\nSET greeting hello world\nGET greeting\nCOUNT\nDEL greeting\nGET greeting\n' | "$1")"
want="$(printf '+PONG\n+OK\n$hello world\n:1\n:1\n$nil')"
if [ "$got" != "$want" ]; then
  printf 'unexpected output:\n%s\n' "$got" >&2
  exit 1
fi
echo "cachet: all checks passed"
