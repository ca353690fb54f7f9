import { describe, expect, it } from 'vitest';
import {
  assistantTexts,
  developerTexts,
  functionCallOutput,
  functionCallOutputs,
  functionCalls,
  instructions,
  isInjectedContext,
  lastUserText,
  outputSchema,
  type RecordedRequest,
  type ResponsesRequestBody,
  textFormat,
  toolNames,
  userTexts,
} from './recorded-request.js';

// Trimmed from a real codex 0.169.0 request (second request of a turn that ran one command, with outputSchema).
const body: ResponsesRequestBody = {
  model: 'codexus-scripted-model',
  stream: true,
  input: [
    {
      type: 'message',
      role: 'developer',
      content: [{ type: 'input_text', text: 'You are a coding agent running in the Codex CLI...' }],
    },
    {
      type: 'message',
      role: 'developer',
      content: [{ type: 'input_text', text: '<skills_instructions>\n...\n</skills_instructions>' }],
    },
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: '<environment_context>\n  <cwd>/tmp/w</cwd>\n</environment_context>' },
      ],
    },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'say hi' }] },
    { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"echo hi"}', call_id: 'c1' },
    {
      type: 'function_call_output',
      call_id: 'c1',
      output: 'Chunk ID: 1\nProcess exited with code 0\nOutput:\nhi\n',
    },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'again' }] },
  ],
  tools: [
    { type: 'function', name: 'exec_command' },
    { type: 'function', name: 'write_stdin' },
    { type: 'web_search' },
  ],
  text: {
    format: { type: 'json_schema', strict: true, name: 'codex_output_schema', schema: { type: 'object' } },
  },
};
const recorded: RecordedRequest = {
  index: 0,
  method: 'POST',
  path: '/v1/responses',
  headers: {},
  rawBody: JSON.stringify(body),
  body,
  receivedAtMs: 0,
};

describe('request readers', () => {
  it('userTexts: the prompts, without codex-injected context unless asked', () => {
    expect(userTexts(recorded)).toEqual(['say hi', 'again']);
    expect(userTexts(body, { includeContext: true })).toHaveLength(3);
    expect(lastUserText(recorded)).toBe('again');
  });

  it('recognises injected context blocks', () => {
    expect(isInjectedContext('<environment_context>\n<cwd>/</cwd>\n</environment_context>')).toBe(true);
    expect(isInjectedContext('# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>..')).toBe(true);
    expect(isInjectedContext('<b>bold</b> prompt text')).toBe(false);
    expect(isInjectedContext('hello')).toBe(false);
  });

  it('developer texts and instructions (no top-level instructions in 0.169: the first developer message)', () => {
    expect(developerTexts(recorded)).toHaveLength(2);
    expect(instructions(recorded)).toMatch(/^You are a coding agent/);
    expect(instructions({ instructions: 'top', input: [] })).toBe('top');
  });

  it('function calls and their outputs', () => {
    expect(functionCalls(recorded)).toEqual([
      expect.objectContaining({ name: 'exec_command', call_id: 'c1' }),
    ]);
    expect(functionCallOutputs(recorded)).toEqual([expect.objectContaining({ call_id: 'c1' })]);
    expect(functionCallOutput(recorded, 'c1')).toMatch(/Output:\nhi/);
    expect(functionCallOutput(recorded, 'nope')).toBeUndefined();
    expect(
      functionCallOutput({ input: [{ type: 'function_call_output', call_id: 'x', output: { a: 1 } }] }, 'x'),
    ).toBe('{"a":1}');
  });

  it('assistant texts, structured output format, tool names', () => {
    expect(assistantTexts(recorded)).toEqual(['done']);
    expect(textFormat(recorded)).toMatchObject({ type: 'json_schema', name: 'codex_output_schema' });
    expect(outputSchema(recorded)).toEqual({ type: 'object' });
    expect(toolNames(recorded)).toEqual(['exec_command', 'write_stdin', 'web_search']);
  });

  it('tolerate an unparsed body', () => {
    const empty: RecordedRequest = { ...recorded, body: undefined };
    expect(userTexts(empty)).toEqual([]);
    expect(outputSchema(empty)).toBeUndefined();
    expect(toolNames(empty)).toEqual([]);
    expect(instructions(empty)).toBeUndefined();
  });
});
