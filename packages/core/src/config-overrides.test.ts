import { describe, expect, it } from 'vitest';
import { configOverrideArgs, tomlValue } from './config-overrides.js';

describe('configOverrideArgs', () => {
  it('writes scalars as TOML and flattens tables into dotted keys', () => {
    expect(
      configOverrideArgs({
        model: 'gpt-5',
        model_reasoning_effort: 'high',
        request_max_retries: 0,
        'features.plugins': false,
        model_providers: { scripted: { base_url: 'http://127.0.0.1:1/v1', 'odd key': 'x' } },
      }),
    ).toEqual([
      '-c',
      'model="gpt-5"',
      '-c',
      'model_reasoning_effort="high"',
      '-c',
      'request_max_retries=0',
      '-c',
      'features.plugins=false',
      '-c',
      'model_providers.scripted.base_url="http://127.0.0.1:1/v1"',
      '-c',
      'model_providers.scripted."odd key"="x"',
    ]);
  });

  it('escapes strings and writes arrays', () => {
    expect(tomlValue('a "q"\nb')).toBe('"a \\"q\\"\\nb"');
    expect(tomlValue(['a', 1, true])).toBe('["a", 1, true]');
  });

  it('refuses values TOML cannot hold', () => {
    expect(() => configOverrideArgs({ x: Number.NaN })).toThrow(/x: NaN is not a finite number/);
    expect(() => configOverrideArgs({ t: {} })).toThrow(/empty table/);
  });

  it('returns nothing for no overrides', () => {
    expect(configOverrideArgs(undefined)).toEqual([]);
  });
});
