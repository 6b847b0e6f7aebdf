#!/usr/bin/env bash
# The release build: compile for TARGET_ARCH, check the binary really is for it, test it when it
# can run here, install into STAGING_DIR and pack a reproducible tarball into ARTIFACT_DIR.
set -euo pipefail
cc="$(./build/cc-for.sh "$TARGET_ARCH")"
make CC="$cc" VERSION="$VERSION" GIT_COMMIT="$GIT_COMMIT"
./build/check-arch.sh cachet "$TARGET_ARCH"
if [ "$cc" = cc ]; then make test; fi
make PREFIX="$STAGING_DIR" install
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner -C "$STAGING_DIR" -cf - . |
  gzip -n >"$ARTIFACT_DIR/$ARTIFACT_NAME"
echo "built $ARTIFACT_NAME"
