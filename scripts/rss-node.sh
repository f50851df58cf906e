#!/bin/sh
# Runs node under GNU time so the benchmark can read the process's peak RSS from stderr.
exec /usr/bin/time -f 'KEYLESS_MAXRSS_KB=%M' "$KEYLESS_REAL_NODE" "$@"
