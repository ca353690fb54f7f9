#!/usr/bin/env node
// Sums vitest's "Tests  N passed | M failed | K skipped" lines of a CI log into one closing line.
// With --failures, first reprints every failed test's report (vitest's "Failed Tests" block, per
// turbo task) so that a failure is readable at the end of a long, interleaved log.
import { readFileSync } from 'node:fs';

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const text = readFileSync(process.argv[2], 'utf8').replace(ansi, '');
const lines = text.split('\n');

if (process.argv.includes('--failures')) {
  const MAX_PER_TASK = 120;
  // turbo prefixes each line with "<package>:<task>: "; vitest run outside turbo has no prefix.
  const byTask = new Map();
  for (const line of lines) {
    const m = /^(\S+:\S+): (.*)$/.exec(line);
    const task = m ? m[1] : '';
    const body = m ? m[2] : line;
    if (!byTask.has(task)) byTask.set(task, { open: false, out: [] });
    const entry = byTask.get(task);
    if (/Failed Tests \d+/.test(body) || /Unhandled Errors?/.test(body)) entry.open = true;
    else if (entry.open && /^\s*Test Files\s/.test(body)) entry.open = false;
    if (entry.open && entry.out.length < MAX_PER_TASK) entry.out.push(body);
    if (/^\s*(FAIL|×)\s/.test(body) && !entry.open && entry.out.length < MAX_PER_TASK) entry.out.push(body);
  }
  for (const [task, { out }] of byTask) {
    if (out.length === 0) continue;
    console.log(`\n--- failures of ${task || 'vitest'} ---`);
    for (const l of out) console.log(l);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of lines) {
  const m = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!m) continue;
  passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0);
  failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0);
  skipped += Number(/(\d+) skipped/.exec(m[1])?.[1] ?? 0);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
