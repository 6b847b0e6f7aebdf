#!/usr/bin/env bash
# Renders <line>/Dockerfile for every release line in versions.json from Dockerfile.template.
#   ./update.sh            render every line
#   ./update.sh --check    fail if a Dockerfile is not what versions.json says (CI)
# When RELEASE_RELAY_OUTPUT is set (a release edit), the newest line's image tags are written there.
set -euo pipefail
cd "$(dirname "$0")"
check=false
[ "${1:-}" = --check ] && check=true
lines="$(jq -r 'keys_unsorted[]' versions.json | sort -V)"
newest="$(printf '%s\n' "$lines" | tail -n1)"
for line in $lines; do
  version="$(jq -r --arg l "$line" '.[$l].version' versions.json)"
  url="$(jq -r --arg l "$line" '.[$l].url' versions.json)"
  sha="$(jq -r --arg l "$line" '.[$l].sha256' versions.json)"
  [[ "$sha" =~ ^[0-9a-f]{64}$ ]] || { echo "versions.json: $line has no sha256" >&2; exit 1; }
  rendered="$(sed -e "s|%%VERSION%%|$version|" -e "s|%%URL%%|$url|" -e "s|%%SHA256%%|$sha|" Dockerfile.template)"
  if $check; then
    [ "$(cat "$line/Dockerfile" 2>/dev/null)" = "$rendered" ] || { echo "$line/Dockerfile is out of date: run ./update.sh" >&2; exit 1; }
  else
    mkdir -p "$line"
    printf '%s\n' "$rendered" >"$line/Dockerfile"
  fi
done
if [ -n "${RELEASE_RELAY_OUTPUT:-}" ]; then
  # The line released (RELEASE_LINE, from the release edit), else the newest; only the newest line's
  # image also takes the major version and latest.
  line="${RELEASE_LINE:-$newest}"
  version="$(jq -er --arg l "$line" '.[$l].version' versions.json)"
  tags="$version, $line"
  [ "$line" = "$newest" ] && tags="$tags, ${line%%.*}, latest"
  [[ "$version" == *-* ]] && tags="$version, $line-rc"
  echo "tags=$tags" >>"$RELEASE_RELAY_OUTPUT"
fi
$check && echo "every Dockerfile matches versions.json" || true
