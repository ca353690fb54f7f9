import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/**
 * Whether process `pid` handles `signal` itself: a handler installed (`SigCgt` of `/proc/PID/status`)
 * or the signal blocked (`SigBlk`, as a `signalfd` reader does). `undefined` where that cannot be
 * known (no `/proc`: macOS, Windows; or the process is gone).
 */
export function catchesSignal(pid: number, signal: NodeJS.Signals): boolean | undefined {
  const number = constants.signals[signal];
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const masks = ['SigCgt', 'SigBlk'].map(
    (name) => new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'im').exec(status)?.[1],
  );
  if (masks.includes(undefined) || number === undefined) return undefined;
  return masks.some((mask) => ((BigInt(`0x${mask}`) >> BigInt(number - 1)) & 1n) === 1n);
}
