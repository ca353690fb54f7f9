import type { SandboxMode as ProtocolSandboxMode } from '@codexus/protocol';
import type { SandboxMode as TestkitSandboxMode } from '@codexus/testkit';
import { describe, expectTypeOf, it } from 'vitest';
import type { ApprovalPolicy, SandboxMode } from './index.js';

describe('one policy vocabulary', () => {
  it('the sandbox modes are the generated protocol spelling, and the testkit (which stands alone) agrees', () => {
    expectTypeOf<SandboxMode>().toEqualTypeOf<ProtocolSandboxMode>();
    expectTypeOf<TestkitSandboxMode>().toEqualTypeOf<SandboxMode>();
  });

  it('every approval policy codexus offers is one codex accepts', () => {
    expectTypeOf<ApprovalPolicy>().toExtend<import('@codexus/protocol').AskForApproval>();
  });
});
