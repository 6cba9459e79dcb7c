#!/usr/bin/env bash
# Runs a command and prints how long it took: scripts/timed.sh NAME COMMAND...
name=$1; shift
start=$(date +%s)
printf '\n\033[1m== %s\033[0m\n' "$name"
"$@"; status=$?
printf '\033[1m== %s: %ss%s\033[0m\n' "$name" "$(( $(date +%s) - start ))" "$([ $status = 0 ] || echo " (FAILED, exit $status)")"
exit $status
