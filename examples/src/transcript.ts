/** Prints a readable transcript of codexus runs (shared by the examples and the demo). */
import type { PromptRunEvent, PromptRunResult } from '@codexus/runtime';

const tty = process.stdout.isTTY;
const out = (text: string): void => void process.stdout.write(text);
export const dim = (text: string): string => (tty ? `\x1b[2m${text}\x1b[22m` : text);
const bold = (text: string): string => (tty ? `\x1b[1m${text}\x1b[22m` : text);

export const heading = (text: string): void => out(`\n${bold(`== ${text} ==`)}\n`);
export const prompt = (text: string): void => out(`> ${text}\n`);
export const line = (text: string): void => out(`${text}\n`);
export const note = (text: string): void => out(dim(`  [${text}]\n`));

/** The answer and a one-line summary of a finished run. */
export function result(r: PromptRunResult): void {
  out(`${r.text}\n`);
  note(`${r.status}, ${r.items.length} items, ${r.usage?.total.totalTokens ?? 0} tokens, ${r.durationMs} ms`);
}

/** Prints one live event; text deltas are written as they arrive. */
export function createEventPrinter(): (event: PromptRunEvent) => void {
  const streamed = new Set<string>();
  return (event) => {
    switch (event.type) {
      case 'textDelta':
        streamed.add(event.itemId);
        out(event.delta);
        break;
      case 'reasoningDelta':
        out(dim(event.delta));
        break;
      case 'itemCompleted':
        if (event.item.type === 'reasoning') note(`reasoning: ${JSON.stringify(event.item.summary)}`);
        if (event.item.type === 'commandExecution')
          note(`command ${event.item.command} → ${event.item.status}, exit ${event.item.exitCode}`);
        if (event.item.type === 'agentMessage')
          out(streamed.has(event.item.id) ? '\n' : `${event.item.text}\n`);
        break;
      case 'approvalRequested':
        note(`approval requested: ${event.request.kind}`);
        break;
      case 'turnCompleted':
        note(`turn ${event.status}`);
        break;
      default:
        break;
    }
  };
}
