import { describe, expect, it } from 'vitest';
import { skippable } from './inbound-filter.js';

const T = '"threadId":"01a23d1e-a5b4-79b1-b019-0bd07b270813"';
/** Line heads as codex 0.171.0 writes them (from a wire trace of a turn with a tool call). */
const item = (method: string, type: string) =>
  `{"method":"${method}","params":{"item":{"type":"${type}","id":"x","status":"inProgress"},${T},"turnId":"t"}}`;

describe('skippable: the inbound lines telemetry never reads', () => {
  it('skips status, rate-limit, warning and read-state notifications, and unknown server requests', () => {
    for (const method of [
      'thread/status/changed',
      'account/rateLimits/updated',
      'warning',
      'thread/readState/changed',
      'item/agentMessage/delta',
    ])
      expect(skippable(`{"method":"${method}","params":{${T}}}`, false), method).toBe(true);
    expect(skippable(`{"method":"some/newRequest","id":3,"params":{${T}}}`, false)).toBe(true);
  });

  it('reads turn, usage and withdrawal notifications, tool calls and every approval request', () => {
    for (const method of [
      'turn/started',
      'turn/completed',
      'thread/tokenUsage/updated',
      'serverRequest/resolved',
      'item/tool/call',
      'item/commandExecution/requestApproval',
      'item/fileChange/requestApproval',
      'mcpServer/elicitation/request',
      'execCommandApproval',
    ])
      expect(skippable(`{"method":"${method}","id":1,"params":{${T}}}`, false), method).toBe(false);
  });

  it('skips items that are not tool calls; an agent message is read when content is captured', () => {
    for (const method of ['item/started', 'item/completed']) {
      for (const type of ['commandExecution', 'fileChange', 'mcpToolCall', 'dynamicToolCall'])
        expect(skippable(item(method, type), false), `${method} ${type}`).toBe(false);
      for (const type of ['userMessage', 'reasoning', 'agentMessage'])
        expect(skippable(item(method, type), false), `${method} ${type}`).toBe(true);
      expect(skippable(item(method, 'agentMessage'), true)).toBe(false);
      expect(skippable(item(method, 'userMessage'), true)).toBe(true);
    }
  });

  it('parses a line written in another order, or one that is not JSON-RPC at all', () => {
    expect(skippable(`{"params":{${T}},"method":"thread/status/changed"}`, false)).toBe(false);
    expect(skippable(`{"method":"item/started","params":{${T},"item":{"type":"userMessage"}}}`, false)).toBe(
      false,
    );
    expect(skippable('{ "method": "warning" }', false)).toBe(false);
    expect(skippable('not json', false)).toBe(false);
    expect(skippable('{"method":"warn\\"ing","params":{}}', false)).toBe(false); // an escape in the method
    expect(skippable(`{"id":4,"result":{"turn":{"id":"t"}}}`, false)).toBe(false);
  });
});
