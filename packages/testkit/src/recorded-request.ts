/**
 * What the scripted model records, and helpers to read the Responses API request codex sends.
 *
 * Shape seen from codex 0.169.0 (POST `<base_url>/responses`, `accept: text/event-stream`):
 * `{model, stream:true, input[], tools[], tool_choice:"auto", parallel_tool_calls, reasoning,
 * store:false, include[], prompt_cache_key, client_metadata, text?}`. There is no top-level
 * `instructions`: codex sends its base instructions as the first `developer` message in `input`.
 * Each request carries the whole conversation so far (history, tool calls and their outputs).
 */

/** A text part of a message in `input` (`input_text` for user/developer, `output_text` for assistant). */
export interface InputContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

export interface InputMessage {
  type: 'message';
  role: 'user' | 'developer' | 'system' | 'assistant';
  content: InputContentPart[];
  id?: string;
  [key: string]: unknown;
}

export interface InputFunctionCall {
  type: 'function_call';
  name: string;
  arguments: string;
  call_id: string;
  [key: string]: unknown;
}

export interface InputFunctionCallOutput {
  type: 'function_call_output';
  call_id: string;
  /** codex 0.169 sends a string (for `exec_command`: a header with exit code, then `Output:\n...`). */
  output: unknown;
  [key: string]: unknown;
}

export type InputItem =
  | InputMessage
  | InputFunctionCall
  | InputFunctionCallOutput
  | { type: string; [key: string]: unknown };

/** `text.format` when the turn asked for structured output (`outputSchema` on `turn/start`). */
export interface TextFormat {
  type: string;
  name?: string;
  strict?: boolean;
  schema?: unknown;
  [key: string]: unknown;
}

/** The parsed JSON body of a `POST /responses`. Known members typed; everything else kept. */
export interface ResponsesRequestBody {
  model?: string;
  stream?: boolean;
  instructions?: string;
  input?: InputItem[];
  tools?: Array<{ type: string; name?: string; [key: string]: unknown }>;
  text?: { format?: TextFormat; [key: string]: unknown };
  reasoning?: { effort?: string; summary?: string; [key: string]: unknown } | null;
  [key: string]: unknown;
}

/** One HTTP request the scripted model received. */
export interface RecordedRequest {
  /** 0-based position among the requests of its kind (`model.requests` or `model.otherRequests`). */
  index: number;
  method: string;
  /** Path and query, e.g. `/v1/responses`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text. */
  rawBody: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  body: ResponsesRequestBody | undefined;
  receivedAtMs: number;
}

/** What the request readers take: a recorded request or its body. */
export type RequestLike = RecordedRequest | ResponsesRequestBody;

function bodyOf(request: RequestLike): ResponsesRequestBody | undefined {
  return 'rawBody' in request ? (request as RecordedRequest).body : request;
}

function inputOf(request: RequestLike): InputItem[] {
  const input = bodyOf(request)?.input;
  return Array.isArray(input) ? input : [];
}

function isMessage(item: InputItem): item is InputMessage {
  return item.type === 'message' && Array.isArray((item as InputMessage).content);
}

function messageTexts(request: RequestLike, role: InputMessage['role']): string[] {
  const texts: string[] = [];
  for (const item of inputOf(request)) {
    if (!isMessage(item) || item.role !== role) continue;
    for (const part of item.content) if (typeof part.text === 'string') texts.push(part.text);
  }
  return texts;
}

/**
 * codex adds user-role messages of its own: `<environment_context>...</environment_context>`,
 * `# AGENTS.md instructions for ...`, and similar tagged blocks. These are "context", not prompts.
 */
export function isInjectedContext(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith('# AGENTS.md instructions')) return true;
  return /^<([a-z_]+)>[\s\S]*<\/\1>$/.test(trimmed);
}

export interface UserTextsOptions {
  /** Also return codex's injected context blocks (`<environment_context>`, AGENTS.md, ...). Default false. */
  includeContext?: boolean;
}

/** Texts of the user messages in `input`, oldest first (every turn's prompt so far). */
export function userTexts(request: RequestLike, options: UserTextsOptions = {}): string[] {
  const texts = messageTexts(request, 'user');
  return options.includeContext ? texts : texts.filter((text) => !isInjectedContext(text));
}

/** The newest user prompt in the request (the current turn's input), or `undefined`. */
export function lastUserText(request: RequestLike): string | undefined {
  return userTexts(request).at(-1);
}

/**
 * Texts of the developer messages in `input`. The first one is codex's base instructions (codex
 * 0.169 sends no top-level `instructions`); `developerInstructions` of a thread come after it.
 */
export function developerTexts(request: RequestLike): string[] {
  return messageTexts(request, 'developer');
}

/** Texts of assistant messages in `input` (what the model said in earlier requests). */
export function assistantTexts(request: RequestLike): string[] {
  return messageTexts(request, 'assistant');
}

/** The instructions: the top-level `instructions` if present, else the first developer message. */
export function instructions(request: RequestLike): string | undefined {
  return bodyOf(request)?.instructions ?? developerTexts(request)[0];
}

/** The `function_call` items of `input` (tool calls made in earlier responses). */
export function functionCalls(request: RequestLike): InputFunctionCall[] {
  return inputOf(request).filter((item): item is InputFunctionCall => item.type === 'function_call');
}

/** The `function_call_output` items of `input`: the results of earlier tool calls, `{call_id, output}`. */
export function functionCallOutputs(request: RequestLike): InputFunctionCallOutput[] {
  return inputOf(request).filter(
    (item): item is InputFunctionCallOutput => item.type === 'function_call_output',
  );
}

/** The output of one tool call as text, or `undefined` if the request holds no output for `callId`. */
export function functionCallOutput(request: RequestLike, callId: string): string | undefined {
  const found = functionCallOutputs(request).find((item) => item.call_id === callId);
  if (found === undefined) return undefined;
  return typeof found.output === 'string' ? found.output : JSON.stringify(found.output);
}

/** `text.format` of the request: `{type:"json_schema", name, strict, schema}` for a turn with `outputSchema`. */
export function textFormat(request: RequestLike): TextFormat | undefined {
  return bodyOf(request)?.text?.format;
}

/** The JSON schema the turn asked the model to follow (`text.format.schema`), or `undefined`. */
export function outputSchema(request: RequestLike): unknown {
  return textFormat(request)?.schema;
}

/** Names of the tools offered to the model (codex 0.169: `exec_command`, `write_stdin`, ...). */
export function toolNames(request: RequestLike): string[] {
  const tools = bodyOf(request)?.tools;
  if (!Array.isArray(tools)) return [];
  return tools.map((tool) => tool.name ?? tool.type);
}
