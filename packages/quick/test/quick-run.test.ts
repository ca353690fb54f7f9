import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PromptRunError } from '@codexus/runtime';
import {
  developerTexts,
  failure,
  hang,
  message,
  outputSchema,
  type RecordedRequest,
  shell,
  userTexts,
} from '@codexus/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { QuickRunError, quickRun, quickRunWithProfile } from '../src/index.js';
import { useQuickHarness } from './harness.js';
import { leakCheck, procAvailable, processesWithCodexHome } from './processes.js';

/** A 1x1 transparent PNG. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

async function failureOf(promise: Promise<unknown>): Promise<QuickRunError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(QuickRunError.isInstance(error), `expected a QuickRunError, got ${String(error)}`).toBe(true);
  return error as QuickRunError;
}

function reasoningEffort(request: RecordedRequest): unknown {
  const reasoning = (request.body as { reasoning?: { effort?: unknown } }).reasoning;
  return reasoning?.effort;
}

describe.runIf(procAvailable)('quickRun against the real codex', () => {
  const h = useQuickHarness({ approvalPolicy: 'on-request', sandboxMode: 'workspace-write' });
  const options = () => ({ codexHome: h.home.path });
  const leaks = leakCheck(() => h.home.path);
  const expectNothingLeft = leaks.expectNothingLeft;

  beforeEach(() => {
    leaks.mark();
  });

  it('returns the scripted text and leaves no process behind', async () => {
    h.model.enqueue(message('hello from quickRun'));
    let aliveDuringRun = -1;
    const result = await quickRun('say hello', {
      cwd: h.workspace.path,
      ...options(),
      // The detector must see codex while it runs, or "nothing left" would prove nothing.
      trace: (entry) => {
        if (entry.direction === 'in' && aliveDuringRun < 0)
          aliveDuringRun = processesWithCodexHome(h.home.path).length;
      },
    });
    expect(aliveDuringRun).toBe(1);
    expect(result.status).toBe('completed');
    expect(result.text).toBe('hello from quickRun');
    expect(userTexts(h.model.requests.at(-1)!)).toEqual(['say hello']);
    expectNothingLeft();
  });

  it('takes the testkit home as it is ({ home }): path and env reach codex, nothing else needed', async () => {
    h.model.enqueue(message('hello through home'));
    const saved = process.env.CODEX_HOME;
    delete process.env.CODEX_HOME; // only `home` can point codex at the hermetic home
    try {
      const result = await quickRun('say hello', { cwd: h.workspace.path, home: h.home });
      expect(result.text).toBe('hello through home');
    } finally {
      if (saved !== undefined) process.env.CODEX_HOME = saved;
    }
    await expectNothingLeft();
  });

  it('refuses a cwd that does not exist or is a file before spawning codex', async () => {
    const file = join(h.workspace.path, 'a-file.txt');
    await writeFile(file, 'x');
    for (const [cwd, words] of [
      [join(h.workspace.path, 'no-such-dir'), /does not exist/],
      [file, /is not a directory/],
    ] as const) {
      const requestsBefore = h.model.requests.length;
      const error = await failureOf(quickRun('hi', { cwd, ...options() }));
      expect(error.kind).toBe('connect');
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(String(error.message)).toMatch(words);
      expect(processesWithCodexHome(h.home.path)).toEqual([]);
      expect(h.model.requests.length).toBe(requestsBefore);
    }
    expectNothingLeft();
  });

  it('uses the safe defaults (approval never, sandbox read-only, effort medium) over the home config', async () => {
    // The harness home says on-request / workspace-write: the defaults must win.
    h.model.enqueue(message('ok'));
    await quickRun('defaults?', { cwd: h.workspace.path, ...options() });
    const request = h.model.requests.at(-1)!;
    expect(reasoningEffort(request)).toBe('medium');
    const turn = JSON.parse(String(request.headers['x-codex-turn-metadata']));
    // codex < 0.16x leaves reasoning_effort out of the turn metadata; the body's effort is checked above.
    expect(turn.sandbox_mode).toBe('read-only');
    expect(developerTexts(request).join('\n')).toContain('Approval policy is currently never.');
  });

  it('a failed turn rejects with kind run, the PromptRunError as cause, and leaves no process', async () => {
    h.model.enqueue(failure('the model broke'));
    const error = await failureOf(quickRun('fail please', { cwd: h.workspace.path, ...options() }));
    expect(error.kind).toBe('run');
    expect(error.code).toBe('TURN_FAILED');
    expect(PromptRunError.isInstance(error.cause)).toBe(true);
    expect(error.runError).toBe(error.cause);
    expect(error.shutdownError).toBeUndefined();
    expect((error.cause as PromptRunError).serverMessage).toContain('the model broke');
    expectNothingLeft();
  });

  it('aborting during the turn rejects with ABORTED and leaves no process', async () => {
    h.model.enqueue(hang());
    const before = h.model.requests.length;
    const controller = new AbortController();
    const running = quickRun('hang', { cwd: h.workspace.path, ...options(), signal: controller.signal });
    await h.model.waitForRequests(before + 1);
    expect(processesWithCodexHome(h.home.path)).toHaveLength(1);
    const abortedAt = Date.now();
    controller.abort();
    const error = await failureOf(running);
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(error.kind).toBe('run');
    expect(error.code).toBe('ABORTED');
    expect(PromptRunError.isInstance(error.cause)).toBe(true);
    expectNothingLeft();
  });

  it('aborting while connecting rejects with kind connect and leaves no process', async () => {
    const before = h.model.requests.length;
    const controller = new AbortController();
    const error = await failureOf(
      quickRun('never sent', {
        cwd: h.workspace.path,
        ...options(),
        signal: controller.signal,
        // Abort exactly while the handshake is in flight: codex is spawned, `initialize` written.
        trace: (entry) => {
          if (entry.direction === 'out' && entry.text.includes('"initialize"')) controller.abort();
        },
      }),
    );
    expect(error.kind).toBe('connect');
    expect(error.code).toBe('ABORTED');
    expect(h.model.requests).toHaveLength(before);
    expectNothingLeft();
  });

  it('an already aborted signal spawns nothing', async () => {
    let traced = 0;
    const error = await failureOf(
      quickRun('x', {
        cwd: h.workspace.path,
        ...options(),
        signal: AbortSignal.abort(),
        trace: () => traced++,
      }),
    );
    expect(error.kind).toBe('connect');
    expect(error.code).toBe('ABORTED');
    expect(traced).toBe(0);
    expectNothingLeft();
  });

  it('timeoutMs bounds the whole call: REQUEST_TIMEOUT, no process left', async () => {
    h.model.enqueue(hang());
    const startedAt = Date.now();
    const error = await failureOf(
      quickRun('hang', { cwd: h.workspace.path, ...options(), timeoutMs: 1_000 }),
    );
    expect(Date.now() - startedAt).toBeLessThan(6_000);
    expect(error.kind).toBe('run');
    expect(error.code).toBe('REQUEST_TIMEOUT');
    expectNothingLeft();
  });

  it('a missing binary rejects with kind connect and BINARY_NOT_FOUND', async () => {
    const error = await failureOf(
      quickRun('x', {
        cwd: h.workspace.path,
        ...options(),
        codexBin: join(h.workspace.path, 'no-such-codex'),
      }),
    );
    expect(error.kind).toBe('connect');
    expect(error.code).toBe('BINARY_NOT_FOUND');
    expectNothingLeft();
  });

  it('an invalid profile fails before anything is spawned', async () => {
    // A missing binary would say BINARY_NOT_FOUND: VALIDATION_FAILED proves the profile was checked first.
    const privileged = await failureOf(
      quickRunWithProfile(
        'x',
        { sandbox: 'danger-full-access' },
        { cwd: h.workspace.path, codexBin: join(h.workspace.path, 'no-such-codex') },
      ),
    );
    expect(privileged.kind).toBe('connect');
    expect(privileged.code).toBe('VALIDATION_FAILED');
    expect(privileged.message).toMatch(/privileged/);
    let traced = 0;
    const typo = await failureOf(
      quickRunWithProfile('x', { priviledged: true } as never, {
        cwd: h.workspace.path,
        ...options(),
        trace: () => traced++,
      }),
    );
    expect(typo.code).toBe('VALIDATION_FAILED');
    expect(traced).toBe(0);
    // A relative cwd is resolved against process.cwd() (there: no such directory).
    const relative = await failureOf(quickRun('x', { cwd: 'relative/dir', ...options() }));
    expect(relative.code).toBe('VALIDATION_FAILED');
    expect(relative.message).toContain(resolve('relative/dir'));
    const optionTypo = await failureOf(quickRun('x', { cwd: h.workspace.path, codexbin: '/x' } as never));
    expect(optionTypo).toMatchObject({
      kind: 'connect',
      code: 'VALIDATION_FAILED',
      data: { path: 'codexbin' },
    });
    expectNothingLeft();
  });

  it("the profile's model, effort, instructions, images and output schema reach the model", async () => {
    const image = join(h.workspace.path, 'pixel.png');
    await writeFile(image, PNG_1X1);
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    };
    h.model.enqueue(message('{"answer":"bonjour"}'));
    const result = await quickRunWithProfile(
      'greet me',
      {
        model: 'profile-model',
        effort: 'high',
        instructions: 'Always answer in French.',
        images: [image],
        outputSchema: schema,
      },
      { cwd: h.workspace.path, ...options() },
    );
    expect(result.text).toBe('{"answer":"bonjour"}');
    const request = h.model.requests.at(-1)!;
    expect(request.body?.model).toBe('profile-model');
    expect(reasoningEffort(request)).toBe('high');
    expect(developerTexts(request).join('\n')).toContain('Always answer in French.');
    expect(outputSchema(request)).toEqual(schema);
    expect(JSON.stringify(request.body?.input)).toContain('input_image');
    expectNothingLeft();
  });

  it("the profile's approval handler answers the session's approvals", async () => {
    h.model.enqueue(
      shell('echo escalated', {
        sandboxPermissions: 'require_escalated',
        justification: 'test',
        login: false,
      }),
      message('handled'),
    );
    const seen: string[] = [];
    const result = await quickRunWithProfile(
      'run it',
      {
        approval: 'on-request',
        sandbox: 'workspace-write',
        approvalHandler: (request) => {
          seen.push(request.kind);
          return 'decline';
        },
      },
      { cwd: h.workspace.path, ...options() },
    );
    expect(seen).toEqual(['commandExecution']);
    expect(result.text).toBe('handled');
    expectNothingLeft();
  });
});
