// The steps of a release check: each runs, is timed and recorded (a failure is recorded, not thrown,
// so the remaining independent steps still run), and a summary table ends the run.
import { seconds, table } from './report.mjs';

/** Every recorded step: `{ name, status: 'pass' | 'FAIL' | 'skip', ms, detail }`. */
export const results = [];

/** Runs `fn`, timing it; never throws. */
async function attempt(fn) {
  const t0 = performance.now();
  try {
    const detail = (await fn()) ?? '';
    return { ok: true, ms: Math.round(performance.now() - t0), detail };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, ms: Math.round(performance.now() - t0), message };
  }
}

function record(name, outcome) {
  const { ok, ms, detail, message } = outcome;
  if (ok) {
    results.push({ name, status: 'pass', ms, detail });
    console.log(`   pass (${seconds(ms)}) ${detail}`);
  } else {
    results.push({ name, status: 'FAIL', ms, detail: message.split('\n')[0] });
    console.log(`   FAIL (${seconds(ms)})\n${indent(message)}`);
  }
  return ok;
}

/** Runs one step; a failure is recorded (not thrown) so the remaining independent steps still run. */
export async function step(name, fn) {
  process.stdout.write(`\n-- ${name}\n`);
  return record(name, await attempt(fn));
}

/** Steps queued to run together at the end (the type checks: CPU-bound, independent, slow). */
const deferred = [];
export function later(name, fn) {
  deferred.push({ name, fn });
}

export async function runDeferred() {
  const outcomes = await Promise.all(deferred.map((d) => attempt(d.fn)));
  deferred.forEach((d, i) => {
    console.log(`\n-- ${d.name} (run in parallel with the other type checks)`);
    record(d.name, outcomes[i]);
  });
}

export function skip(name, why) {
  results.push({ name, status: 'skip', ms: 0, detail: why });
  console.log(`\n-- ${name}\n   skip: ${why}`);
}

function indent(text) {
  return text
    .split('\n')
    .map((l) => `   | ${l}`)
    .join('\n');
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function sameList(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(
    a === e,
    `${what}\n  expected: ${expected.join(', ') || '(none)'}\n  installed: ${actual.join(', ') || '(none)'}`,
  );
}

/** Records a failure outside any step (the run itself broke). */
export function recordFailure(name, error) {
  results.push({ name, status: 'FAIL', ms: 0, detail: String(error?.message ?? error) });
}

/** Prints the summary table of `title` and returns the exit code (1 when a step failed). */
export function summarize(title, startedMs) {
  console.log(`\n== ${title} summary`);
  console.log(
    table(
      ['step', 'result', 'time'],
      results.map((r) => [r.name, r.status, seconds(r.ms)]),
      ['l', 'l', 'r'],
    ),
  );
  const failed = results.filter((r) => r.status === 'FAIL');
  const skipped = results.filter((r) => r.status === 'skip');
  console.log(
    `\n${results.length - failed.length - skipped.length} passed, ${failed.length} failed, ${skipped.length} skipped in ${seconds(performance.now() - startedMs)}`,
  );
  return failed.length > 0 ? 1 : 0;
}
