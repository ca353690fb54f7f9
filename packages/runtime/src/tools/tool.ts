import { CodexusError } from '@codexus/core';
import {
  type InferOutputOf,
  type JsonObject,
  OutputInvalidError,
  type OutputIssue,
  type OutputSpec,
  prepareOutput,
} from '../structured-output.js';

/** What a tool's `run` receives beside its arguments. */
export interface ToolContext {
  /** Aborted when the turn is interrupted or ends, the session or client closes, or the tool times out. */
  readonly signal: AbortSignal;
  readonly threadId: string;
  readonly turnId: string;
  /** The model's call id (one per call). */
  readonly callId: string;
  /** The tool's name, and its namespace for a tool of a {@link toolNamespace}. */
  readonly name: string;
  readonly namespace?: string;
}

/** One piece of a tool's answer: text, or an image (an `https:` or `data:` URL). */
export type ToolContentItem = { type: 'text'; text: string } | { type: 'image'; url: string };

/** What `run` returns: a text, or content items. Throwing answers the model with `success: false`. */
export type ToolOutput = string | readonly ToolContentItem[];

export interface ToolDefinition<S extends OutputSpec> {
  /** The name the model calls (letters, digits, `_` and `-`, at most 64). */
  name: string;
  description: string;
  /**
   * The arguments' schema: a valibot schema (its strict JSON Schema is offered to the model), or any
   * Standard Schema with an explicit JSON Schema. `run` only ever sees arguments that passed it.
   */
  input: S;
  run(args: InferOutputOf<S>, context: ToolContext): ToolOutput | Promise<ToolOutput>;
  /** Time limit of one call (ms); default: the session's `timeoutMs`. The signal aborts then. */
  timeoutMs?: number;
}

/** Why the arguments of a call were refused (they did not pass the tool's schema). */
export class ToolInputError extends CodexusError {
  static override readonly brand: string = 'codexus.error.ToolInputError';
  readonly issues: readonly OutputIssue[];

  constructor(toolName: string, issues: readonly OutputIssue[]) {
    const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    super('VALIDATION_FAILED', `invalid arguments for tool "${toolName}": ${text}`, {
      data: { tool: toolName, issues },
    });
    this.name = 'ToolInputError';
    this.issues = issues;
  }
}

/** An in-process tool the model can call (see {@link tool}). */
export interface Tool<Args = unknown> {
  readonly kind: 'tool';
  readonly name: string;
  readonly description: string;
  /** The strict JSON Schema sent to codex as the tool's `inputSchema`. */
  readonly inputSchema: JsonObject;
  readonly timeoutMs?: number;
  /** Validates raw arguments against the schema (rejects with {@link ToolInputError}). */
  parse(args: unknown): Promise<Args>;
  run(args: Args, context: ToolContext): ToolOutput | Promise<ToolOutput>;
}

/** Any tool, whatever its argument type (what `tools: [...]` holds). */
// biome-ignore lint/suspicious/noExplicitAny: a list of tools of different argument types.
export type AnyTool = Tool<any>;

/** The arguments type of a {@link Tool}. */
export type ToolArgs<T> = T extends Tool<infer A> ? A : never;

/**
 * Defines an in-process tool: codex offers it to the model beside its own tools, and when the model
 * calls it, `run` gets the validated, typed arguments. The schema is checked here, before any RPC
 * (`VALIDATION_FAILED` naming the tool and the path).
 */
export function tool<S extends OutputSpec>(definition: ToolDefinition<S>): Tool<InferOutputOf<S>> {
  const { name, description, input, run, timeoutMs } = definition;
  if (typeof description !== 'string')
    throw new CodexusError('VALIDATION_FAILED', `tool ${JSON.stringify(name)}: description must be a string`);
  if (typeof run !== 'function')
    throw new CodexusError('VALIDATION_FAILED', `tool ${JSON.stringify(name)}: run must be a function`);
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0))
    throw new CodexusError('VALIDATION_FAILED', `tool ${JSON.stringify(name)}: timeoutMs must be positive`);
  let prepared: ReturnType<typeof prepareOutput<InferOutputOf<S>>>;
  try {
    prepared = prepareOutput(input as OutputSpec<InferOutputOf<S>>);
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/^output schema/, 'input schema') : String(error);
    throw new CodexusError('VALIDATION_FAILED', `tool ${JSON.stringify(name)}: ${message}`, {
      data: { tool: name },
      cause: error,
    });
  }
  return {
    kind: 'tool',
    name,
    description,
    inputSchema: prepared.jsonSchema,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    async parse(args: unknown) {
      try {
        return await prepared.parse(JSON.stringify(args ?? null));
      } catch (error) {
        if (error instanceof OutputInvalidError) throw new ToolInputError(name, error.issues);
        throw error;
      }
    },
    run,
  };
}
