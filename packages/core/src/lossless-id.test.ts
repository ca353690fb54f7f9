import { describe, expect, it } from 'vitest';
import { lossyIdText, stringifyWithRawId, topLevelMemberText } from './lossless-id.js';

describe('lossless ids', () => {
  it('finds the top-level member only, past nested values, strings with escapes and whitespace', () => {
    const line =
      '{ "params" : {"id":1,"a":[{"id":2}]}, "s":"\\"id\\": 3 \\\\", "id" :\t 9007199254740993 , "z":[] }';
    expect(topLevelMemberText(line, 'id')).toBe('9007199254740993');
    expect(topLevelMemberText(line, 'missing')).toBeUndefined();
  });

  it('reads keys the way JSON.parse does: escaped names, and the last duplicate wins', () => {
    expect(topLevelMemberText('{"\\u0069d":12345678901234567890}', 'id')).toBe('12345678901234567890');
    expect(topLevelMemberText('{"id":1,"id":99999999999999999999}', 'id')).toBe('99999999999999999999');
  });

  it('returns nothing for a value that is not a primitive', () => {
    expect(topLevelMemberText('{"id":"9007199254740993"}', 'id')).toBeUndefined();
    expect(topLevelMemberText('{"id":{"n":1}}', 'id')).toBeUndefined();
  });

  it('keeps the raw text only when the parsed number is not exact', () => {
    for (const raw of ['9007199254740993', '-9007199254740993', '1e400', '0.1']) {
      const line = `{"id":${raw},"method":"m"}`;
      expect([raw, lossyIdText(line, JSON.parse(line).id)]).toEqual([raw, raw]);
    }
    for (const line of ['{"id":0,"method":"m"}', '{"id":9007199254740991}', '{"id":"s"}', '{"id":null}']) {
      expect([line, lossyIdText(line, JSON.parse(line).id)]).toEqual([line, undefined]);
    }
  });

  it('writes the raw id in place of the parsed one', () => {
    expect(stringifyWithRawId({ id: 9007199254740992, result: { a: 1 } }, '9007199254740993')).toBe(
      '{"id":9007199254740993,"result":{"a":1}}',
    );
    expect(stringifyWithRawId({ id: 1 }, '9007199254740993')).toBe('{"id":9007199254740993}');
  });
});
