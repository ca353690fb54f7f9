import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, CodexusError } from '@codexus/runtime';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTelemetry } from '../src/index.js';
import { type Recording, startRecording } from './telemetry-harness.js';

/** Rejects after `ms` so a connect that never settles fails the test instead of stalling it. */
const within = <T>(promise: Promise<T>, ms = 20_000): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`connect did not settle within ${ms} ms`)), ms).unref(),
    ),
  ]);

describe('a connect that fails ends its connect span in error (real process start)', () => {
  let dir: string;
  let recording: Recording;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'codexus-otel-connect-'));
  });
  afterEach(async () => {
    await recording?.shutdown();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Connects to `codexBin` through `withTelemetry`; returns the rejection and the one connect span. */
  async function failedConnect(codexBin: string): Promise<{ error: unknown; connect: ReadableSpan }> {
    recording = startRecording();
    const error = await within(
      Client.connect(withTelemetry({ codexBin, codexHome: dir }, recording.options())).then(
        async (client) => {
          await client.close();
          return undefined;
        },
        (e: unknown) => e,
      ),
    );
    const connects = recording.spans.getFinishedSpans().filter((s) => s.name === 'connect codex');
    expect(connects).toHaveLength(1);
    return { error, connect: connects[0]! };
  }

  /** An executable script in the temp dir. */
  async function script(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    await chmod(path, 0o755);
    return path;
  }

  it('no codex binary at the path: the error code is the span’s error.type', async () => {
    const { error, connect } = await failedConnect(join(dir, 'no-such-codex'));
    expect(error).toBeInstanceOf(CodexusError);
    const code = (error as CodexusError).code;
    expect(connect.kind).toBe(SpanKind.CLIENT);
    expect(connect.status.code).toBe(SpanStatusCode.ERROR);
    expect(connect.status.message).toBe((error as Error).message);
    expect(connect.attributes['error.type']).toBe(code);
  });

  it('a binary that cannot be started (its interpreter is missing): SPAWN_FAILED', async () => {
    const bin = await script('bad-interpreter', `#!${join(dir, 'no-such-interpreter')}\n`);
    const { error, connect } = await failedConnect(bin);
    expect(CodexusError.is(error, 'SPAWN_FAILED')).toBe(true);
    expect(connect.status.code).toBe(SpanStatusCode.ERROR);
    expect(connect.attributes).toMatchObject({
      'error.type': 'SPAWN_FAILED',
      'codexus.transport.kind': 'stdio',
    });
  });

  it('a codex that exits at once, before the handshake: connection_closed', async () => {
    const bin = await script('exits-at-once', '#!/bin/sh\necho "gone before the handshake" >&2\nexit 3\n');
    const { error, connect } = await failedConnect(bin);
    expect(error).toBeInstanceOf(CodexusError);
    expect(connect.status.code).toBe(SpanStatusCode.ERROR);
    expect(connect.attributes['error.type']).toBe('connection_closed');
    expect(connect.status.message).toMatch(/exited with code 3/);
    expect(connect.attributes['codexus.server.version']).toBeUndefined();
  });
});
