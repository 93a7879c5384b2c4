// The marker lines the test environment writes around each test file on the worker's stdout and stderr, and their
// parser (used by the runner to attribute raw output to the file that printed it).
'use strict';

const PREFIX = '@@cxpact-test-file ';
const SUFFIX = ' @@';
/** Set (by the runner, for its workers) when someone reads the markers; otherwise none are written. */
const CAPTURE_ENV = 'CXPACT_TEST_OUTPUT_CAPTURE';

/** A marker line: `kind` is start or end; the test file path is JSON-quoted so any path survives. */
function marker(kind, testPath) {
  if (process.env[CAPTURE_ENV] !== '1') return '';
  return `\n${PREFIX}${kind} ${JSON.stringify(testPath)}${SUFFIX}\n`;
}

/** Parses a line; undefined when it is not a marker. */
function parseMarker(line) {
  const at = line.indexOf(PREFIX);
  if (at < 0) return undefined;
  const end = line.indexOf(SUFFIX, at);
  if (end < 0) return undefined;
  const body = line.slice(at + PREFIX.length, end);
  const space = body.indexOf(' ');
  try {
    return { kind: body.slice(0, space), testPath: JSON.parse(body.slice(space + 1)), before: line.slice(0, at) };
  } catch {
    return undefined;
  }
}

module.exports = { marker, parseMarker, CAPTURE_ENV };
