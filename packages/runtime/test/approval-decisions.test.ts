import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { functionCallOutput, message, shell, step } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { ApprovalAnswer } from '../src/index.js';
import { recordingLogger, useHarness } from './harness.js';

/** A command that needs escalation, so codex asks for approval under `on-request`. */
const escalated = (file: string, callId: string) =>
  shell(`touch ${file}`, {
    callId,
    sandboxPermissions: 'require_escalated',
    justification: 'write a marker file',
    login: false,
  });

describe('approval decisions that are not decisions, against the real codex', () => {
  const { logger, entries } = recordingLogger();
  const h = useHarness([], {
    home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
    client: { logger },
  });

  const bad: [string, unknown][] = [
    ['toString', 'toString'],
    ['__proto__', { decision: '__proto__' }],
    ['constructor', { decision: 'constructor' }],
    ['an object decision codex does not know', { decision: { approveEverything: true } }],
    ['an inherited decision', Object.create({ decision: 'accept' })],
  ];

  it.each(bad)(
    '%s: the timeout action (decline) is sent, the command does not run, and it is reported',
    async (name, answer) => {
      const file = join(h.workspace.path, `${name.replace(/\W+/g, '-')}.txt`);
      const callId = `call_${name.replace(/\W+/g, '_')}`;
      h.model.enqueue(step(escalated(file, callId)), message('not done'));
      const session = await h.client.startSession({
        cwd: h.workspace.path,
        approval: 'on-request',
        sandbox: 'workspace-write',
        approvalHandler: () => answer as ApprovalAnswer,
      });
      const since = entries.length;
      const result = await session.ask('make the file');
      expect(result.status).toBe('completed');
      expect(result.text).toBe('not done');
      expect(existsSync(file)).toBe(false);
      // codex told the model the command was declined (it did not fail the turn on a bad answer).
      expect(functionCallOutput(h.model.requests.at(-1)!, callId)).toBeDefined();
      const report = entries.slice(since).find((e) => e.message.startsWith('approval answer refused'));
      expect(report).toMatchObject({
        level: 'warn',
        fields: { method: 'item/commandExecution/requestApproval', threadId: session.threadId },
      });
      expect(report?.message).toContain('timeout action (decline)');
      await session.close();
    },
  );
});
