import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodexusError, OutputInvalidError } from '@codexus/runtime';
import { delayed, lastUserText, message, outputSchema } from '@codexus/testkit';
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ArtifactConflictError,
  ArtifactSessionManager,
  type ArtifactSessionManagerOptions,
  type ArtifactStore,
  computeRevision,
  FsArtifactStore,
  MemoryArtifactStore,
} from '../src/index.js';
import { type Codex, startCodexClient } from './harness.js';

const SEED = 'alpha\nbeta\ngamma\n';

const patch = (
  expectedRevision: string,
  edits: { startLine: number; endLine: number; replacement: string }[],
) => message(JSON.stringify({ format: 'markdown', expectedRevision, edits, notes: 'changed it' }));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('ArtifactSessionManager against the real codex', () => {
  let codex: Codex;
  let store: MemoryArtifactStore;
  const managers: ArtifactSessionManager[] = [];
  const manager = (options: ArtifactSessionManagerOptions = {}, over: ArtifactStore = store) => {
    const made = new ArtifactSessionManager(codex.client, over, {
      session: { cwd: codex.workspace.path },
      ...options,
    });
    managers.push(made);
    return made;
  };
  const seed = () => store.saveTextAndMeta('notes', SEED, { title: 'Notes', format: 'markdown' });

  beforeAll(async () => {
    codex = await startCodexClient();
  });
  afterAll(async () => {
    await codex?.close();
  });
  beforeEach(() => {
    codex.model.clear();
    store = new MemoryArtifactStore();
  });
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.close();
  });

  it('docGenerate: sends the strict schema, saves the document as a revision with SaveMeta', async () => {
    const doc = { title: 'Plan', format: 'markdown', text: '# Plan\n\n- ship it\n' };
    codex.model.enqueue(message(JSON.stringify(doc)));
    const result = await manager().runTask({
      kind: 'docGenerate',
      artifactId: 'plan',
      userGoal: 'Write a release plan',
      constraints: ['one bullet'],
      examples: ['# Example\n- a'],
    });
    expect(result).toMatchObject({ kind: 'docGenerate', artifactId: 'plan', ...doc, previousRevision: null });
    expect(result.revision).toBe(computeRevision(doc.text));
    expect(await store.loadText('plan')).toBe(doc.text);
    expect(await store.getMeta('plan')).toEqual({
      title: 'Plan',
      format: 'markdown',
      revision: result.revision,
      threadId: result.threadId,
    });
    const [revision] = await store.listRevisions('plan');
    expect(revision?.save).toEqual({
      taskKind: 'docGenerate',
      threadId: result.threadId,
      turnId: result.turnId,
      previousRevision: null,
      nextRevision: result.revision,
    });
    const request = codex.model.requests.at(-1)!;
    expect(outputSchema(request)).toMatchObject({
      type: 'object',
      required: ['title', 'format', 'text'],
      additionalProperties: false,
    });
    const prompt = lastUserText(request) ?? '';
    expect(prompt).toContain('Write a release plan');
    expect(prompt).toContain('- one bullet');
    expect(prompt).toContain('# Example\n- a');
  });

  it('docEdit: shows numbered lines, applies the patch, saves the next revision', async () => {
    const seeded = await seed();
    codex.model.enqueue(patch(seeded.revision, [{ startLine: 2, endLine: 3, replacement: 'BETA' }]));
    const result = await manager().runTask({
      kind: 'docEdit',
      artifactId: 'notes',
      userGoal: 'Uppercase beta',
    });
    const next = 'alpha\nBETA\ngamma\n';
    expect(result).toMatchObject({
      kind: 'docEdit',
      text: next,
      notes: 'changed it',
      format: 'markdown',
      previousRevision: seeded.revision,
      revision: computeRevision(next),
    });
    expect(await store.loadText('notes')).toBe(next);
    const history = await store.listRevisions('notes');
    expect(history.map((r) => r.revision)).toEqual([seeded.revision, computeRevision(next)]);
    expect(history[1]!.save).toMatchObject({
      taskKind: 'docEdit',
      previousRevision: seeded.revision,
      turnId: result.turnId,
    });
    const request = codex.model.requests.at(-1)!;
    const prompt = lastUserText(request) ?? '';
    expect(prompt).toContain('1| alpha\n2| beta\n3| gamma');
    expect(prompt).toContain(`"${seeded.revision}"`);
    expect(outputSchema(request)).toMatchObject({
      required: ['format', 'expectedRevision', 'edits', 'notes'],
      properties: {
        edits: { items: { required: ['startLine', 'endLine', 'replacement'], additionalProperties: false } },
      },
    });
  });

  it("passthrough: returns the caller's typed output and leaves the text alone", async () => {
    await seed();
    codex.model.enqueue(message(JSON.stringify({ lines: 3, summary: 'three greek letters' })));
    const Summary = v.object({ lines: v.number(), summary: v.string() });
    const result = await manager().runTask({
      kind: 'passthrough',
      artifactId: 'notes',
      userGoal: 'Summarise',
      outputSchema: Summary,
    });
    const output: { lines: number; summary: string } = result.output;
    expect(output).toEqual({ lines: 3, summary: 'three greek letters' });
    expect(result.revision).toBe(computeRevision(SEED));
    expect(await store.loadText('notes')).toBe(SEED);
    expect((await store.listRevisions('notes')).length).toBe(1);
    expect((await store.getMeta('notes'))?.threadId).toBe(result.threadId);
    expect(outputSchema(codex.model.requests.at(-1)!)).toMatchObject({ required: ['lines', 'summary'] });
  });

  it('a stale expectedRevision from the model is a Conflict; the stored text is unchanged', async () => {
    await seed();
    codex.model.enqueue(
      patch(computeRevision('an older text\n'), [{ startLine: 1, endLine: 2, replacement: 'x' }]),
    );
    const error = await rejection(
      manager().runTask({ kind: 'docEdit', artifactId: 'notes', userGoal: 'edit' }),
    );
    expect(ArtifactConflictError.isInstance(error)).toBe(true);
    expect((error as ArtifactConflictError).code).toBe('CONFLICT');
    expect((error as ArtifactConflictError).conflict).toEqual({
      kind: 'revisionMismatch',
      expected: computeRevision('an older text\n'),
      actual: computeRevision(SEED),
    });
    expect(await store.loadText('notes')).toBe(SEED);
    expect((await store.listRevisions('notes')).length).toBe(1);
  });

  it('a save by someone else during the turn is a Conflict, never a lost update', async () => {
    const seeded = await seed();
    const theirs = 'written meanwhile\n';
    codex.model.enqueue(async () => {
      await store.saveText('notes', theirs);
      return patch(seeded.revision, [{ startLine: 1, endLine: 2, replacement: 'ALPHA' }]);
    });
    const error = await rejection(
      manager().runTask({ kind: 'docEdit', artifactId: 'notes', userGoal: 'edit' }),
    );
    expect(ArtifactConflictError.isInstance(error)).toBe(true);
    expect((error as ArtifactConflictError).conflict).toEqual({
      kind: 'revisionMismatch',
      expected: seeded.revision,
      actual: computeRevision(theirs),
    });
    expect(await store.loadText('notes')).toBe(theirs);
    expect((await store.listRevisions('notes')).map((r) => r.revision)).toEqual([
      seeded.revision,
      computeRevision(theirs),
    ]);
  });

  it('a patch that does not fit the text is a Conflict; a non-JSON answer is OUTPUT_INVALID', async () => {
    const seeded = await seed();
    codex.model.enqueue(
      patch(seeded.revision, [
        { startLine: 1, endLine: 3, replacement: 'a' },
        { startLine: 2, endLine: 3, replacement: 'b' },
      ]),
      message('Sure! I changed beta.'),
    );
    const m = manager();
    const overlap = await rejection(m.runTask({ kind: 'docEdit', artifactId: 'notes', userGoal: 'edit' }));
    expect((overlap as ArtifactConflictError).conflict).toMatchObject({ kind: 'overlap', editIndex: 1 });
    const invalid = await rejection(m.runTask({ kind: 'docEdit', artifactId: 'notes', userGoal: 'edit' }));
    expect(invalid).toBeInstanceOf(OutputInvalidError);
    expect((invalid as OutputInvalidError).rawText).toBe('Sure! I changed beta.');
    expect(await store.loadText('notes')).toBe(SEED);
  });

  it('currentText that is not the stored text is a Conflict before any turn', async () => {
    await seed();
    const before = codex.model.requests.length;
    const error = await rejection(
      manager().runTask({
        kind: 'docEdit',
        artifactId: 'notes',
        userGoal: 'edit',
        currentText: 'what I saw\n',
      }),
    );
    expect((error as ArtifactConflictError).conflict).toMatchObject({ kind: 'revisionMismatch' });
    expect(codex.model.requests.length).toBe(before);
  });

  it('open() resumes the thread stored in meta.threadId; later tasks continue on it', async () => {
    codex.model.enqueue(message(JSON.stringify({ title: 'T', format: 'text', text: 'one\n' })));
    const first = await manager().runTask({ kind: 'docGenerate', artifactId: 'doc', userGoal: 'write one' });
    const again = manager();
    const binding = await again.open('doc');
    expect(binding).toMatchObject({ artifactId: 'doc', threadId: first.threadId, resumed: true });
    expect(await again.open('doc')).toBe(binding);
    codex.model.enqueue(patch(first.revision, [{ startLine: 2, endLine: 2, replacement: 'two' }]));
    const edit = await again.runTask({ kind: 'docEdit', artifactId: 'doc', userGoal: 'add two' });
    expect(edit.threadId).toBe(first.threadId);
    expect(edit.text).toBe('one\ntwo\n');
    // The resumed thread carries the earlier turn to the model.
    const request = codex.model.requests.at(-1)!;
    expect(JSON.stringify(request.body)).toContain('write one');
  });

  it("lockPolicy 'fail' refuses a second task on a busy artifact; 'wait' runs it after the first", async () => {
    const doc = { title: 'T', format: 'text', text: 'first\n' };
    codex.model.enqueue(delayed(300, message(JSON.stringify(doc))));
    const failing = manager({ lockPolicy: 'fail' });
    const running = failing.runTask({ kind: 'docGenerate', artifactId: 'busy', userGoal: 'write' });
    const refused = await rejection(
      failing.runTask({ kind: 'docGenerate', artifactId: 'busy', userGoal: 'write' }),
    );
    expect(CodexusError.is(refused, 'TURN_IN_PROGRESS')).toBe(true);
    await running;

    codex.model.enqueue(
      delayed(300, message(JSON.stringify({ ...doc, text: 'second\n' }))),
      message(JSON.stringify({ ok: true })),
    );
    const waiting = manager({ lockPolicy: 'wait' });
    const generate = waiting.runTask({ kind: 'docGenerate', artifactId: 'busy', userGoal: 'write' });
    const read = waiting.runTask({
      kind: 'passthrough',
      artifactId: 'busy',
      userGoal: 'check',
      outputSchema: v.object({ ok: v.boolean() }),
    });
    const [generated, checked] = await Promise.all([generate, read]);
    // The second task ran after the first saved: it saw the new revision.
    expect(checked.revision).toBe(generated.revision);
    expect(generated.previousRevision).toBe(computeRevision('first\n'));
  });

  it('refuses a task while a hook of another contract major is registered, before any request', async () => {
    await seed();
    const before = codex.model.requests.length;
    const hook = {
      name: 'old-hook',
      phases: ['PreTurn'] as const,
      contractVersion: '2.0.0',
      run: () => ({ type: 'continue' as const }),
    };
    const error = await rejection(
      manager({ hooks: [hook] }).runTask({ kind: 'docEdit', artifactId: 'notes', userGoal: 'edit' }),
    );
    expect(CodexusError.is(error, 'INCOMPATIBLE_VERSION')).toBe(true);
    expect((error as CodexusError).message).toContain('old-hook');
    expect(codex.model.requests.length).toBe(before);
    expect(codex.client.metrics().sessions).toBe(0);
  });

  it('refuses path-traversal ids before any request, and an FsArtifactStore writes only inside its root', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'codexus-artifact-e2e-'));
    try {
      const fsStore = new FsArtifactStore(join(parent, 'root'));
      const m = manager({}, fsStore);
      const before = codex.model.requests.length;
      for (const artifactId of ['../escape', '..', 'a/b', '/etc/passwd', 'x\0y', '']) {
        const error = await rejection(m.runTask({ kind: 'docGenerate', artifactId, userGoal: 'write' }));
        expect(CodexusError.is(error, 'VALIDATION_FAILED'), JSON.stringify(artifactId)).toBe(true);
        await expect(m.open(artifactId)).rejects.toSatisfy((e) => CodexusError.is(e, 'VALIDATION_FAILED'));
      }
      expect(codex.model.requests.length).toBe(before);
      codex.model.enqueue(message(JSON.stringify({ title: 'Safe', format: 'text', text: 'inside\n' })));
      await m.runTask({ kind: 'docGenerate', artifactId: 'safe', userGoal: 'write' });
      expect(await readdir(parent)).toEqual(['root']);
      expect(await readdir(join(parent, 'root'))).toEqual(['safe']);
      expect(await fsStore.loadText('safe')).toBe('inside\n');
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
