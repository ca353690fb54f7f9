import type * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import type { Equal } from '../test/type-equal.js';
import type { DEFINITION_SCHEMAS, DefinitionName, DefinitionTypes } from './generated/definitions.js';
import type { SandboxPolicySchema, ThreadStartParamsSchema } from './generated/schemas.js';
import type {
  AskForApproval,
  CommandExecutionApprovalDecision,
  McpServerElicitationRequestParams,
  RequestId,
  SandboxMode,
  SandboxPolicy,
  ThreadItem,
  ThreadStartParams,
  ThreadStatus,
  TurnCompletedNotification,
  TurnStatus,
  UserInput,
} from './generated/types.js';

describe('a sample of generated types', () => {
  it('keeps the two sandbox spellings apart (kebab-case param, camelCase tagged policy)', () => {
    expectTypeOf<SandboxMode>().toEqualTypeOf<'read-only' | 'workspace-write' | 'danger-full-access'>();
    expectTypeOf<SandboxPolicy['type']>().toEqualTypeOf<
      'dangerFullAccess' | 'readOnly' | 'externalSandbox' | 'workspaceWrite'
    >();
    expectTypeOf<Extract<SandboxPolicy, { type: 'readOnly' }>['networkAccess']>().toEqualTypeOf<
      boolean | undefined
    >();
  });

  it('models tagged unions that narrow on their tag', () => {
    expectTypeOf<Extract<ThreadItem, { type: 'agentMessage' }>['text']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<UserInput, { type: 'text' }>['text']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<ThreadStatus, { type: 'active' }>>().toHaveProperty('activeFlags');
    expectTypeOf<Equal<TurnCompletedNotification['turn']['status'], TurnStatus>>().toEqualTypeOf<true>();
    expectTypeOf<McpServerElicitationRequestParams['serverName']>().toEqualTypeOf<string>();
  });

  it('models untagged unions, string enums and ids', () => {
    expectTypeOf<'on-request'>().toExtend<AskForApproval>();
    expectTypeOf<'accept'>().toExtend<CommandExecutionApprovalDecision>();
    expectTypeOf<{
      acceptWithExecpolicyAmendment: { execpolicy_amendment: string[] };
    }>().toExtend<CommandExecutionApprovalDecision>();
    expectTypeOf<RequestId>().toEqualTypeOf<string | number>();
    expectTypeOf<Equal<ThreadStartParams['sandbox'], SandboxMode | null | undefined>>().toEqualTypeOf<true>();
  });

  it('annotates every schema with its explicit type', () => {
    expectTypeOf<
      Equal<v.InferOutput<typeof ThreadStartParamsSchema>, ThreadStartParams>
    >().toEqualTypeOf<true>();
    expectTypeOf<Equal<v.InferOutput<typeof SandboxPolicySchema>, SandboxPolicy>>().toEqualTypeOf<true>();
    expectTypeOf<
      Equal<(typeof DEFINITION_SCHEMAS)['ThreadItem'], v.GenericSchema<ThreadItem>>
    >().toEqualTypeOf<true>();
    expectTypeOf<Equal<keyof typeof DEFINITION_SCHEMAS, DefinitionName>>().toEqualTypeOf<true>();
    expectTypeOf<Equal<DefinitionTypes['UserInput'], UserInput>>().toEqualTypeOf<true>();
  });
});
