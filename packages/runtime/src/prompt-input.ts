import { CodexusError } from '@codexus/core';

/** One input item of a prompt. */
export type InputItem =
  | { type: 'text'; text: string }
  | { type: 'localImage'; path: string }
  | { type: 'image'; url: string }
  | { type: 'skill'; name: string; path: string }
  | { type: 'mention'; name: string; path: string };

/** A prompt: plain text, or input items. */
export type Prompt = string | readonly InputItem[];

/** Builds `turn/start`'s `input`: the prompt's items, then one image item per `images` entry. */
export function toTurnInput(prompt: Prompt, images: readonly string[] = []): InputItem[] {
  const items: InputItem[] = typeof prompt === 'string' ? [{ type: 'text', text: prompt }] : [...prompt];
  for (const image of images) {
    items.push(
      /^(https?|data):/i.test(image) ? { type: 'image', url: image } : { type: 'localImage', path: image },
    );
  }
  if (items.length === 0)
    throw new CodexusError('VALIDATION_FAILED', 'a prompt needs at least one input item');
  for (const [i, item] of items.entries()) {
    const ok =
      (item.type === 'text' && typeof item.text === 'string') ||
      (item.type === 'localImage' && typeof item.path === 'string') ||
      (item.type === 'image' && typeof item.url === 'string') ||
      ((item.type === 'skill' || item.type === 'mention') &&
        typeof item.name === 'string' &&
        typeof item.path === 'string');
    if (!ok) {
      throw new CodexusError('VALIDATION_FAILED', `prompt item ${i} is not a valid input item`, {
        data: { path: `input[${i}]`, item },
      });
    }
  }
  return items;
}

/** The prompt's text parts joined (for hooks and logs). */
export function promptText(prompt: Prompt): string {
  if (typeof prompt === 'string') return prompt;
  return prompt
    .filter((item): item is Extract<InputItem, { type: 'text' }> => item.type === 'text')
    .map((item) => item.text)
    .join('\n');
}
