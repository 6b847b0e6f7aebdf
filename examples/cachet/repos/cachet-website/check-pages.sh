#!/usr/bin/env bash
# CI of the website: every release page has front matter with a title, a date and a tag.
set -euo pipefail
status=0
for page in content/download/releases/*.md; do
  head -n1 "$page" | grep -qx -- '---' || { echo "$page: no front matter" >&2; status=1; continue; }
  for field in 'title: "' 'date: ' '    tag: "'; do
    grep -q "^$field" "$page" || { echo "$page: missing ${field%%:*}" >&2; status=1; }
  done
done
[ "$status" = 0 ] && echo "all release pages are well formed"
exit "$status"
