import { applyPatch, DEFAULT_USAGE, failure, hang, message, shell, step } from '@codexus/testkit';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { spanTree, turnSpans, useTelemetryHarness } from './telemetry-harness.js';

/** A command that needs escalation, so codex asks for approval under `on-request`. */
const escalated = (cmd: string) =>
  shell(cmd, { sandboxPermissions: 'require_escalated', justification: 'write a marker file', login: false });

/** A line codexus sent, as far as these tests read it. */
interface SentMessage {
  method?: string;
  params?: { threadId?: string; trace?: unknown };
  trace?: { traceparent?: string };
}

const only = (spans: ReadableSpan[]): ReadableSpan => {
  expect(spans).toHaveLength(1);
  return spans[0]!;
};

describe('GenAI spans of codex turns (real codex, scripted model)', () => {
  const h = useTelemetryHarness({ home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' } });

  /** A session that may ask for approvals, each answered `accept`. */
  const acceptingSession = () =>
    h.client.startSession({
      cwd: h.workspace.path,
      approval: 'on-request',
      sandbox: 'workspace-write',
      approvalHandler: () => 'accept',
    });

  it('a turn with two commands and one approval: invoke_agent with two execute_tool children and approval events', async () => {
    h.model.enqueue(
      step(shell('echo first-secret-arg', { login: false })),
      step(escalated('touch approved.txt')),
      message('all done'),
    );
    const session = await acceptingSession();
    const result = await session.ask('run two commands');
    expect(result.status).toBe('completed');

    const spans = h.spans.getFinishedSpans();
    const turn = only(turnSpans(spans, session.threadId));
    expect(spanTree(spans, turn)).toEqual([
      'invoke_agent codex',
      '  execute_tool shell',
      '  execute_tool shell',
    ]);
    expect(turn.kind).toBe(SpanKind.CLIENT);
    expect(turn.parentSpanContext).toBeUndefined(); // no active context: the turn is a root
    expect(turn.status.code).toBe(SpanStatusCode.UNSET);
    expect(turn.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'codex',
      'gen_ai.conversation.id': session.threadId,
      'gen_ai.request.model': expect.any(String),
      'codexus.turn.id': result.turnId,
      'codexus.turn.status': 'completed',
      // three model responses in this turn, each with the scripted usage
      'gen_ai.usage.input_tokens': 3 * DEFAULT_USAGE.input_tokens,
      'gen_ai.usage.output_tokens': 3 * DEFAULT_USAGE.output_tokens,
    });
    const tools = spans.filter((s) => s.parentSpanContext?.spanId === turn.spanContext().spanId);
    for (const tool of tools) {
      expect(tool.kind).toBe(SpanKind.INTERNAL);
      expect(tool.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'shell',
        'gen_ai.tool.type': 'extension',
        'gen_ai.tool.call.id': expect.any(String),
        'codexus.tool.status': 'completed',
        'process.exit.code': 0,
        'codexus.tool.duration_ms': expect.any(Number),
      });
    }
    const events = turn.events.map((e) => e.name);
    expect(events).toEqual(['codexus.approval.requested', 'codexus.approval.decided']);
    const decided = turn.events[1]!.attributes!;
    expect(decided).toMatchObject({
      'codexus.approval.kind': 'commandExecution',
      'codexus.approval.decision': 'accept',
      'codexus.approval.decided_by': 'client',
      'codexus.approval.waited_ms': expect.any(Number),
    });
    // the approval names the item it is about: the second command
    expect(tools.map((t) => t.attributes['gen_ai.tool.call.id'])).toContain(decided['gen_ai.tool.call.id']);

    // no content by default: no prompt, answer, command or output anywhere
    const everything = JSON.stringify(spans.map((s) => ({ a: s.attributes, e: s.events })));
    for (const secret of ['run two commands', 'all done', 'first-secret-arg', 'approved.txt'])
      expect(everything).not.toContain(secret);
    for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments'])
      expect(everything).not.toContain(key);
  });

  it('a failed turn: ERROR status and error.type from codexErrorInfo', async () => {
    h.model.enqueue(failure('the model broke down'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const result = await session.ask('fail please').catch((error: unknown) => error);
    expect(result).toBeInstanceOf(Error);
    const turn = only(turnSpans(h.spans.getFinishedSpans(), session.threadId));
    expect(turn.status.code).toBe(SpanStatusCode.ERROR);
    expect(turn.status.message).toContain('the model broke down');
    expect(turn.attributes['codexus.turn.status']).toBe('failed');
    expect(turn.attributes['error.type']).toEqual(expect.any(String));
    expect(turn.attributes['error.type']).not.toBe('');
  });

  it('an interrupted turn: status interrupted, not an error', async () => {
    h.model.enqueue(hang());
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const before = h.model.requests.length;
    const stream = session.askStream('hang please');
    await h.model.waitForRequests(before + 1);
    await stream.interrupt();
    expect((await stream.result).status).toBe('interrupted');
    const turn = only(turnSpans(h.spans.getFinishedSpans(), session.threadId));
    expect(turn.status.code).toBe(SpanStatusCode.UNSET);
    expect(turn.attributes['codexus.turn.status']).toBe('interrupted');
    expect(turn.attributes['error.type']).toBeUndefined();
  });

  it('a file change is an execute_tool apply_patch span', async () => {
    h.model.enqueue(
      step(applyPatch({ addFile: { path: 'patched.txt', content: 'hi' } })),
      message('patched'),
    );
    const session = await acceptingSession();
    await session.ask('patch it');
    const spans = h.spans.getFinishedSpans();
    const turn = only(turnSpans(spans, session.threadId));
    expect(spanTree(spans, turn)).toEqual(['invoke_agent codex', '  execute_tool apply_patch']);
    const patch = spans.find((s) => s.name === 'execute_tool apply_patch')!;
    expect(patch.attributes).toMatchObject({
      'gen_ai.tool.type': 'extension',
      'codexus.tool.status': 'completed',
    });
    expect(JSON.stringify(patch.attributes)).not.toContain('patched.txt');
  });

  it('a command that exits non-zero: execute_tool in error (tool_failed) with its exit code', async () => {
    h.model.enqueue(step(shell('exit 3', { login: false, callId: 'call_exit' })), message('it failed'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const result = await session.ask('run a failing command');
    expect(result.status).toBe('completed'); // a failed command does not fail the turn
    const item = result.items.find((i) => i.type === 'commandExecution') as
      | { id: string; status: string; exitCode: number }
      | undefined;
    expect(item?.exitCode).not.toBe(0);
    expect(item?.status).toBe('failed');
    const spans = h.spans.getFinishedSpans();
    const turn = only(turnSpans(spans, session.threadId));
    expect(turn.status.code).toBe(SpanStatusCode.UNSET);
    const tool = only(spans.filter((s) => s.attributes['gen_ai.tool.call.id'] === 'call_exit'));
    expect(tool.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(tool.status.code).toBe(SpanStatusCode.ERROR);
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.name': 'shell',
      'error.type': 'tool_failed',
      'process.exit.code': item?.exitCode,
      'codexus.tool.status': item?.status,
    });
  });

  it('an approval still pending when the turn is interrupted is withdrawn by the server', async () => {
    h.model.enqueue(step(escalated('touch never.txt')));
    let asked!: () => void;
    const requested = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const session = await h.client.startSession({
      cwd: h.workspace.path,
      approval: 'on-request',
      sandbox: 'workspace-write',
      approvalTimeoutMs: 30_000,
      approvalHandler: (_request, { signal }) =>
        new Promise((resolve) => {
          asked();
          signal.addEventListener('abort', () => resolve('decline'));
        }),
    });
    const stream = session.askStream('make the file');
    await Promise.race([
      requested,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no approval request')), 10_000).unref()),
    ]);
    await stream.interrupt();
    expect((await stream.result).status).toBe('interrupted');
    const turn = only(turnSpans(h.spans.getFinishedSpans(), session.threadId));
    const names = turn.events.map((e) => e.name);
    expect(names[0]).toBe('codexus.approval.requested');
    expect(names).toContain('codexus.approval.withdrawn');
    const withdrawn = turn.events.find((e) => e.name === 'codexus.approval.withdrawn')!;
    expect(withdrawn.attributes).toMatchObject({ 'codexus.approval.decided_by': 'server' });
  });

  it('a connect span for the handshake and a span per thread/start', async () => {
    const spans = h.spans.getFinishedSpans();
    const connect = spans.find((s) => s.name === 'connect codex');
    expect(connect?.attributes).toMatchObject({
      'codexus.transport.kind': 'stdio',
      'codexus.server.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const start = h.spans
      .getFinishedSpans()
      .find((s) => s.name === 'thread/start' && s.attributes['gen_ai.conversation.id'] === session.threadId);
    expect(start?.attributes).toMatchObject({ 'rpc.method': 'thread/start', 'rpc.system.name': 'jsonrpc' });
    // no context active (and no context manager): connect and thread/start are roots of their own
    // traces, neither is the other's parent (docs/observability.md, "The span tree")
    expect(connect?.parentSpanContext).toBeUndefined();
    expect(start?.parentSpanContext).toBeUndefined();
    expect(start?.spanContext().traceId).not.toBe(connect?.spanContext().traceId);
  });

  it("sends the W3C trace context of the turn span as the request's top-level `trace` member", async () => {
    h.model.enqueue(message('traced'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    await session.ask('trace me');
    const turn = only(turnSpans(h.spans.getFinishedSpans(), session.threadId));
    const line = h.sent
      .map((text) => JSON.parse(text) as SentMessage)
      .find((m) => m.method === 'turn/start' && m.params?.threadId === session.threadId);
    const { traceId, spanId } = turn.spanContext();
    expect(line?.trace).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    expect(line?.params?.trace).toBeUndefined();
    const threadStart = h.sent
      .map((text) => JSON.parse(text) as SentMessage)
      .filter((m) => m.method === 'thread/start');
    expect(
      threadStart.every((m) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(m.trace?.traceparent ?? '')),
    ).toBe(true);
  });
});
