import type { ReasoningEffort as PatchEffort } from '@codexus/plugin';
import { describe, expectTypeOf, it } from 'vitest';
import type { ReasoningEffort } from '../session-config.js';

describe('hook engine types', () => {
  it('a patch accepts exactly the efforts a session does (the two lists must not drift)', () => {
    expectTypeOf<PatchEffort>().toEqualTypeOf<ReasoningEffort>();
  });
});
