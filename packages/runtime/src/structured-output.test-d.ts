import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import type { PromptRunResult } from './prompt-run-event.js';
import type { Session } from './session.js';

declare const session: Session;
const Answer = v.object({ answer: v.number(), tags: v.array(v.string()) });

describe('structured output types', () => {
  it('infers result.output from the schema', async () => {
    const result = await session.ask('q', { output: Answer });
    expectTypeOf(result.output).toEqualTypeOf<{ answer: number; tags: string[] }>();
    expectTypeOf(result.text).toEqualTypeOf<string>();
    const streamed = await session.askStream('q', { output: Answer }).result;
    expectTypeOf(streamed.output.answer).toEqualTypeOf<number>();
  });

  it('has no output without a schema', async () => {
    const result = await session.ask('q');
    expectTypeOf(result).toEqualTypeOf<PromptRunResult>();
    expectTypeOf(result).not.toHaveProperty('output');
  });
});
