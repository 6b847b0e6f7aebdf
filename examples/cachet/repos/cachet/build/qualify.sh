#!/usr/bin/env bash
# Qualifies a release tarball before it is published: unpacked as a user would, the binary must be
# for the target, report the released version and commit, and pass the smoke test.
set -euo pipefail
rm -rf "$QUALIFY_DIR/unpacked" && mkdir -p "$QUALIFY_DIR/unpacked"
tar -xzf "$ARTIFACT_PATH" -C "$QUALIFY_DIR/unpacked"
binary="$QUALIFY_DIR/unpacked/bin/cachet"
test -x "$binary" || { echo "$ARTIFACT_NAME has no executable bin/cachet" >&2; exit 1; }
source="$PWD"
(cd "$QUALIFY_DIR/unpacked" && "$source/build/check-arch.sh" bin/cachet "$TARGET_ARCH")
host="$(uname -m | sed 's/aarch64/arm64/')"
if [ "$host" != "$TARGET_ARCH" ]; then
  echo "this machine is $host: $TARGET_ARCH binary checked for layout and architecture, not run"
  exit 0
fi
want="cachet $VERSION ($GIT_COMMIT)"
got="$("$binary" --version)"
[ "$got" = "$want" ] || { echo "--version says \"$got\", expected \"$want\"" >&2; exit 1; }
./build/test.sh "$binary"
echo "$ARTIFACT_NAME qualified"
