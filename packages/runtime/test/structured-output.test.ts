import { message, outputSchema } from '@codexus/testkit';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { OutputInvalidError } from '../src/index.js';
import { useHarness } from './harness.js';

const Verdict = v.object({
  verdict: v.picklist(['pass', 'fail']),
  score: v.number(),
  reasons: v.array(v.string()),
});

describe('structured output against the real codex', () => {
  const h = useHarness();

  it('yields a typed, validated output and sends the derived JSON Schema to the model', async () => {
    h.model.enqueue(message('{"verdict":"pass","score":0.9,"reasons":["tests green"]}'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const result = await session.ask('judge it', { output: Verdict });
    expect(result.output).toEqual({ verdict: 'pass', score: 0.9, reasons: ['tests green'] });
    const sent = outputSchema(h.model.requests.at(-1)!) as Record<string, unknown>;
    expect(sent).toMatchObject({
      type: 'object',
      required: ['verdict', 'score', 'reasons'],
      additionalProperties: false,
      properties: { verdict: { enum: ['pass', 'fail'] } },
    });
  });

  it('fails with OUTPUT_INVALID keeping the raw text, for non-JSON and for a wrong shape', async () => {
    h.model.enqueue(message('I think it passes.'), message('{"verdict":"maybe","score":1,"reasons":[]}'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const notJson = (await session
      .ask('a', { output: Verdict })
      .catch((e: unknown) => e)) as OutputInvalidError;
    expect(notJson).toBeInstanceOf(OutputInvalidError);
    expect(notJson.rawText).toBe('I think it passes.');
    const wrong = (await session
      .ask('b', { output: Verdict })
      .catch((e: unknown) => e)) as OutputInvalidError;
    expect(wrong.code).toBe('OUTPUT_INVALID');
    expect(wrong.issues.map((i) => i.path)).toContain('$.verdict');
    expect(wrong.rawText).toContain('maybe');
    // The session is still usable after an invalid output.
    expect(session.activeTurn).toBeUndefined();
  });

  it('refuses an unsupported schema before any request reaches codex', async () => {
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const before = h.client.metrics().requests;
    const modelRequests = h.model.requests.length;
    const Bad = v.object({
      when: v.pipe(
        v.string(),
        v.transform((s) => new Date(s)),
      ),
    });
    expect(() => session.askStream('x', { output: Bad })).toThrow(/\$\.when: the transformation/);
    await expect(session.ask('x', { output: Bad })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(h.client.metrics().requests).toBe(before);
    expect(h.model.requests.length).toBe(modelRequests);
  });
});
