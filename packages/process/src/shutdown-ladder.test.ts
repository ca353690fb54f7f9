import { describe, expect, it } from 'vitest';
import { runShutdownLadder, type ShutdownEscalation, settlesWithin } from './shutdown-ladder.js';

/** A fake process: `exited` resolves when a step named in `diesOn` runs. */
function fakeProcess(diesOn: string | undefined) {
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => {
    exit = resolve;
  });
  const ran: string[] = [];
  const step = (name: string, waitMs?: number) => ({
    name,
    waitMs,
    run: () => {
      ran.push(name);
      if (name === diesOn) exit();
    },
  });
  return { exited, exit, ran, step };
}

describe('runShutdownLadder', () => {
  it('stops at the first step the process obeys', async () => {
    const p = fakeProcess('end stdin');
    const escalations: ShutdownEscalation[] = [];
    const outcome = await runShutdownLadder({
      exited: p.exited,
      steps: [p.step('end stdin', 1_000), p.step('SIGTERM', 1_000), p.step('SIGKILL')],
      onEscalate: (e) => escalations.push(e),
    });
    expect(p.ran).toEqual(['end stdin']);
    expect(outcome).toEqual({ lastStep: 'end stdin', escalations: 0 });
    expect(escalations).toEqual([]);
  });

  it('escalates after each bounded wait and reports every escalation', async () => {
    const p = fakeProcess('SIGKILL');
    const escalations: ShutdownEscalation[] = [];
    const outcome = await runShutdownLadder({
      exited: p.exited,
      steps: [p.step('end stdin', 20), p.step('SIGTERM', 20), p.step('SIGKILL')],
      onEscalate: (e) => escalations.push(e),
    });
    expect(p.ran).toEqual(['end stdin', 'SIGTERM', 'SIGKILL']);
    expect(outcome).toEqual({ lastStep: 'SIGKILL', escalations: 2 });
    expect(escalations).toEqual([
      { step: 'SIGTERM', index: 1, after: 'end stdin', waitedMs: 20 },
      { step: 'SIGKILL', index: 2, after: 'SIGTERM', waitedMs: 20 },
    ]);
  });

  it('runs nothing for a process already gone, and survives a step that throws', async () => {
    const gone = fakeProcess(undefined);
    gone.exit();
    await expect(
      runShutdownLadder({ exited: gone.exited, hasExited: () => true, steps: [gone.step('SIGKILL')] }),
    ).resolves.toEqual({ lastStep: undefined, escalations: 0 });
    expect(gone.ran).toEqual([]);

    const p = fakeProcess('SIGKILL');
    const throwing = {
      name: 'SIGTERM',
      waitMs: 10,
      run: () => {
        throw new Error('ESRCH');
      },
    };
    await expect(
      runShutdownLadder({ exited: p.exited, steps: [throwing, p.step('SIGKILL')] }),
    ).resolves.toEqual({
      lastStep: 'SIGKILL',
      escalations: 1,
    });
  });

  it('settlesWithin: true when the promise settles in time, false otherwise', async () => {
    expect(await settlesWithin(Promise.resolve(), 1_000)).toBe(true);
    expect(await settlesWithin(new Promise(() => {}), 10)).toBe(false);
  });
});
