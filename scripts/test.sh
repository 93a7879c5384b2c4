#!/bin/sh
# `npm test` after its type check and lint (pretest): the unit and integration projects in one jest run, the broker
# project (servers on SQLite and PostgreSQL, the official clients, Chromium) in a second, and the slow end-to-end
# project (the demo, the GitLab pipeline, the installed package) in a third, so that no run's jest time passes
# 2 minutes on a quiet 2-core machine. All three always run; the command fails if any failed, and the log ends with
# the counts of all. Arguments go to every run (`npm test -- -t gate`, `npm test -- test/recorded`).
CXPACT_TEST_TALLY=$(mktemp)
export CXPACT_TEST_TALLY
trap 'rm -f "$CXPACT_TEST_TALLY"' EXIT
status=0
jest --selectProjects unit integration --passWithNoTests "$@" || status=$?
jest --selectProjects broker --passWithNoTests "$@" || status=$?
jest --selectProjects e2e --passWithNoTests "$@" || status=$?
exit $status
