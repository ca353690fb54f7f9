import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it returns a value other than `undefined`/`false`; fails after `ms`. */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await sleep(50);
  }
}

/** A fresh automation name per test, so tests sharing one Redis never see each other's keys. */
let counter = 0;
export function uniqueName(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}
