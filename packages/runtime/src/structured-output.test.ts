import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { OutputInvalidError, prepareOutput } from './structured-output.js';

const Answer = v.object({
  answer: v.number(),
  tags: v.array(v.string()),
  note: v.nullable(v.string()),
  kind: v.picklist(['a', 'b']),
  nested: v.object({ ok: v.boolean() }),
});

describe('prepareOutput', () => {
  it('derives the strict JSON Schema: all properties required, no additional properties', () => {
    const { jsonSchema } = prepareOutput(Answer);
    expect(jsonSchema.$schema).toBeUndefined();
    expect(jsonSchema).toMatchObject({
      type: 'object',
      required: ['answer', 'tags', 'note', 'kind', 'nested'],
      additionalProperties: false,
      properties: {
        answer: { type: 'number' },
        tags: { type: 'array', items: { type: 'string' } },
        kind: { enum: ['a', 'b'] },
        nested: { type: 'object', required: ['ok'], additionalProperties: false },
      },
    });
  });

  it('parses and validates the final message; refuses non-JSON and wrong shapes with OUTPUT_INVALID', async () => {
    const { parse } = prepareOutput(Answer);
    const good = { answer: 1, tags: [], note: null, kind: 'a', nested: { ok: true } };
    await expect(parse(JSON.stringify(good))).resolves.toEqual(good);
    const notJson = await parse('Sure! {answer: 1}').catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(OutputInvalidError);
    expect((notJson as OutputInvalidError).rawText).toBe('Sure! {answer: 1}');
    const wrong = (await parse(JSON.stringify({ ...good, nested: { ok: 'yes' } })).catch(
      (e: unknown) => e,
    )) as OutputInvalidError;
    expect(wrong.code).toBe('OUTPUT_INVALID');
    expect(wrong.issues[0]?.path).toBe('$.nested.ok');
    expect(wrong.message).toMatch(/at \$\.nested\.ok/);
  });

  it('refuses schemas JSON Schema cannot express, naming the path, before anything is sent', () => {
    const cases: [v.GenericSchema, RegExp][] = [
      [
        v.object({
          a: v.pipe(
            v.string(),
            v.transform((s) => s.length),
          ),
        }),
        /\$\.a: the transformation "transform"/,
      ],
      [v.object({ f: v.function() }), /\$\.f: function schemas/],
      [v.object({ list: v.array(v.object({ when: v.date() })) }), /\$\.list\[\]\.when: date/],
      [
        v.object({ maybe: v.optional(v.string()) }),
        /\$\.maybe: optional properties are not allowed.*v\.nullable/,
      ],
      [v.object({ inner: v.looseObject({ a: v.string() }) }), /\$\.inner: loose_object allows extra keys/],
      [v.string(), /the root of an output schema must be an object/],
    ];
    for (const [schema, message] of cases) expect(() => prepareOutput(schema)).toThrow(message);
  });

  it('accepts a Standard Schema with an explicit JSON Schema', async () => {
    const standard = v.object({ n: v.number() });
    const spec = {
      standard,
      jsonSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    };
    const { jsonSchema, parse } = prepareOutput(spec);
    expect(jsonSchema).toBe(spec.jsonSchema);
    await expect(parse('{"n":3}')).resolves.toEqual({ n: 3 });
    await expect(parse('{"n":"3"}')).rejects.toMatchObject({
      code: 'OUTPUT_INVALID',
      issues: [{ path: '$.n' }],
    });
  });
});
