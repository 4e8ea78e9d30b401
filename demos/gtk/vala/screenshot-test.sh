#!/bin/sh
# screenshot-test.sh APP CHECKER FILE: runs APP --self-test --screenshot FILE,
# then CHECKER FILE. Passes APP's 77 (no display: skipped) through.
set -u
app=$1 checker=$2 png=$3
rm -f "$png"
"$app" --self-test --screenshot "$png"
rc=$?
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 77 ] || echo "screenshot-test: the self-test failed (exit $rc)" >&2
  exit "$rc"
fi
exec "$checker" "$png"
