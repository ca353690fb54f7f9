import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { usageError } from './exit-codes.js';

/** The prompt: the words of the command line, or (none given, stdin not a TTY) all of stdin. */
export async function readPrompt(words: readonly string[], stdin: NodeJS.ReadStream): Promise<string> {
  let prompt = words.join(' ');
  if (prompt.trim() === '' && !stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    prompt = Buffer.concat(chunks).toString('utf8');
  }
  if (prompt.trim() === '') throw usageError('no prompt: give it as an argument or on stdin');
  return prompt.trim();
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
