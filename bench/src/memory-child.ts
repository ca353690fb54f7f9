/**
 * Run by the memory benchmark in its own node process with `--expose-gc`, so that nothing else
 * (the scripted model, other benchmarks) is on the measured heap. argv: <codexHome> <codexBin>
 * <cwd> <turns> <sampleEvery>. Runs that many turns on one Session and prints one JSON line:
 * `{ samples: [{ turn, rssBytes, heapUsedBytes }] }`, each sample taken after two forced GCs.
 */
import type * as Runtime from '@codexus/runtime';

// CODEXUS_BENCH_RUNTIME: a path to another build of @codexus/runtime (e.g. a patched copy under
// /tmp), to measure a library change before it is made.
const { Client } = (await import(process.env.CODEXUS_BENCH_RUNTIME ?? '@codexus/runtime')) as typeof Runtime;

const [codexHome, codexBin, cwd, turnsArg, everyArg] = process.argv.slice(2);
const turns = Number(turnsArg);
const every = Number(everyArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('memory-child needs --expose-gc');

function sample(turn: number): { turn: number; rssBytes: number; heapUsedBytes: number } {
  gc!();
  gc!();
  const { rss, heapUsed } = process.memoryUsage();
  return { turn, rssBytes: rss, heapUsedBytes: heapUsed };
}

const client = await Client.connect({ codexHome, codexBin });
const session = await client.startSession({ cwd: cwd! });
const samples = [sample(0)];
const started = performance.now();
for (let turn = 1; turn <= turns; turn++) {
  const result = await session.ask('hi');
  if (result.text !== 'ok') throw new Error(`turn ${turn}: unexpected text ${JSON.stringify(result.text)}`);
  if (turn % every === 0) samples.push(sample(turn));
}
const elapsedMs = performance.now() - started;
await client.close();
process.stdout.write(`${JSON.stringify({ samples, elapsedMs })}\n`);
