import * as v from 'valibot';

/**
 * The output of a `docGenerate` turn (strict form: every key always sent). Its JSON Schema is sent as
 * the turn's output schema, and the final message is validated with it.
 */
export const GeneratedDocSchema = v.object({
  title: v.string(),
  format: v.string(),
  text: v.string(),
});
export type GeneratedDoc = v.InferOutput<typeof GeneratedDocSchema>;

const integer = v.pipe(v.number(), v.integer());

/** The output of a `docEdit` turn: a DocPatch, with `notes` always sent (`null` for none). */
export const DocPatchOutputSchema = v.object({
  format: v.string(),
  expectedRevision: v.string(),
  edits: v.array(v.object({ startLine: integer, endLine: integer, replacement: v.string() })),
  notes: v.nullable(v.string()),
});
export type DocPatchOutput = v.InferOutput<typeof DocPatchOutputSchema>;
