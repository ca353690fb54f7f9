import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { usageError } from './exit-codes.js';

/**
 * The prompt of `run`, like `codex exec` takes it:
 * - words given, stdin a terminal: the words;
 * - no words (or the single word `-`), stdin not a terminal: all of stdin;
 * - words given and stdin piped (not a terminal): the words, then stdin's content appended as a
 *   `<stdin>` block (`words\n\n<stdin>\n...\n</stdin>`); an empty stdin adds nothing.
 * Piped stdin is read to its end (EOF). No prompt at all is a usage error.
 */
export async function readPrompt(words: readonly string[], stdin: NodeJS.ReadStream): Promise<string> {
  const fromStdin = words.length === 1 && words[0] === '-';
  const given = fromStdin ? '' : words.join(' ').trim();
  const piped = stdin.isTTY ? '' : (await readAll(stdin)).trim();
  const prompt = given === '' ? piped : piped === '' ? given : `${given}\n\n<stdin>\n${piped}\n</stdin>`;
  if (prompt === '') throw usageError('no prompt: give it as an argument or on stdin');
  return prompt;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON Schema of `--output-schema FILE.json` (an object), or a usage error naming the file. */
export function readSchemaFile(file: string): Record<string, unknown> {
  const path = resolve(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw usageError(`--output-schema ${path}: ${(error as Error).message}`, { path });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw usageError(`--output-schema ${path}: the schema must be a JSON object`, { path });
  return parsed as Record<string, unknown>;
}

/** `--image` paths resolved; a missing file is a usage error (URLs pass through). */
export function imagePaths(images: readonly string[]): string[] {
  return images.map((image) => {
    if (/^https?:\/\//.test(image)) return image;
    const path = resolve(image);
    if (!existsSync(path)) throw usageError(`--image ${path}: no such file`, { path });
    return path;
  });
}
