#!/bin/sh
# `npm test` after its type check (pretest): the unit and integration projects in one jest run, then the slow
# end-to-end project (the demo, the GitLab pipeline, the installed package) in a run of its own, so that neither
# run's jest time passes 2 minutes on 2 cores. Both always run; the command fails if either failed, and the log
# ends with the counts of both. Arguments go to both runs (`npm test -- -t gate`, `npm test -- test/recorded`).
CXPACT_TEST_TALLY=$(mktemp)
export CXPACT_TEST_TALLY
trap 'rm -f "$CXPACT_TEST_TALLY"' EXIT
jest --selectProjects unit integration --passWithNoTests "$@"
status=$?
jest --selectProjects e2e --passWithNoTests "$@" || exit $?
exit $status
