import { describe, expect, it } from 'vitest';
import { classifyInbound } from './inbound-message.js';

const kind = (text: string) => classifyInbound(text).kind;

describe('classifyInbound', () => {
  it('routes by shape, without the jsonrpc member', () => {
    expect(classifyInbound('{"id":0,"method":"item/tool/call","params":{"a":1}}')).toEqual({
      kind: 'request',
      id: 0,
      rawId: undefined,
      method: 'item/tool/call',
      params: { a: 1 },
    });
    expect(classifyInbound('{"method":"turn/started","params":{},"emittedAtMs":5}')).toEqual({
      kind: 'notification',
      method: 'turn/started',
      params: {},
      emittedAtMs: 5,
    });
    expect(classifyInbound('{"id":"a","result":null}')).toEqual({ kind: 'result', id: 'a', result: null });
    expect(
      classifyInbound('{"jsonrpc":"2.0","id":3,"error":{"code":-32600,"message":"m","data":1}}'),
    ).toEqual({
      kind: 'error',
      id: 3,
      error: { code: -32600, message: 'm', data: 1 },
    });
  });

  it('keeps the exact id text of a server request id beyond 2^53', () => {
    expect(classifyInbound('{"id":9007199254740993,"method":"m"}')).toMatchObject({
      kind: 'request',
      rawId: '9007199254740993',
    });
  });

  it('names what is wrong with a malformed response envelope, and keeps the parsed value', () => {
    const cases: [string, RegExp][] = [
      ['{"id":1,"error":{"code":-32600}}', /error\.message/],
      ['{"id":1,"error":{"code":1.5,"message":"m"}}', /error\.code/],
      ['{"id":1,"error":"str"}', /must be an object, got string/],
      ['{"id":1,"error":null}', /must be an object, got null/],
      ['{"id":1,"error":[]}', /must be an object, got an array/],
      ['{"id":1,"error":{}}', /error\.code/],
      ['{"id":1,"result":1,"error":{"code":1,"message":"m"}}', /both/],
      ['{"id":1}', /neither/],
    ];
    for (const [text, problem] of cases) {
      const message = classifyInbound(text);
      expect([text, message.kind]).toEqual([text, 'malformedResponse']);
      if (message.kind !== 'malformedResponse') continue;
      expect(message.problem).toMatch(problem);
      expect(message.value).toEqual(JSON.parse(text));
    }
  });

  it('drops what is not a message', () => {
    for (const text of [
      'not json',
      '[1]',
      '"s"',
      'null',
      '{"neither":1}',
      '{"id":{},"method":"m"}',
      '{"id":null,"result":1}',
    ])
      expect([text, kind(text)]).toEqual([text, 'dropped']);
  });
});
