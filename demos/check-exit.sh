#!/bin/sh
# check-exit.sh EXPECTED PROGRAM [ARGS...]
# Runs PROGRAM and passes only if it exits with exactly EXPECTED and, for a
# usage error, says something on stderr. (meson's should_fail accepts any
# non-zero status, including a crash.)
set -u
expected=$1
shift
err=$(mktemp)
"$@" >/dev/null 2>"$err"
status=$?
cat "$err" >&2
if [ "$status" -ne "$expected" ]; then
  echo "FAIL: '$*' exited with $status, expected $expected" >&2
  rm -f "$err"
  exit 1
fi
if [ "$expected" -ne 0 ] && [ ! -s "$err" ]; then
  echo "FAIL: '$*' exited with $status but printed nothing on stderr" >&2
  rm -f "$err"
  exit 1
fi
rm -f "$err"
echo "ok: '$*' exited with $status"
