import type { PromptRunEvent, TurnItem } from '@codexus/runtime';
import { Spinner } from './spinner.js';
import { type Style, styleFor } from './style.js';

/** Where a command writes: the answer goes to `out`, progress (commands, files, approvals) to `err`. */
export interface CliIo {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

/**
 * Shows a turn to a person: the answer text live on stdout; commands, file changes, retries and a
 * spinner on stderr (so `codexus run "..." > answer.txt` keeps only the answer).
 */
export class TurnRenderer {
  readonly spinner: Spinner;
  readonly style: Style;
  private atLineStart = true;
  private readonly streamed = new Set<string>();

  constructor(private readonly io: CliIo) {
    this.spinner = new Spinner(io.err);
    this.style = styleFor(io.err);
  }

  /** Writes a progress line on stderr, on a line of its own. */
  note(text: string): void {
    this.spinner.stop();
    this.newline();
    this.io.err.write(`${text}\n`);
  }

  /** Ends a half-written answer line. */
  newline(): void {
    if (!this.atLineStart) this.io.out.write('\n');
    this.atLineStart = true;
  }

  /** Shows the spinner while the model works (only at the start of a line). */
  thinking(label = 'thinking'): void {
    if (this.atLineStart) this.spinner.start(label);
  }

  event(event: PromptRunEvent): void {
    switch (event.type) {
      case 'turnStarted':
      case 'reasoningDelta':
        this.thinking();
        return;
      case 'textDelta':
        this.streamed.add(event.itemId);
        this.text(event.delta);
        return;
      case 'itemStarted':
        this.itemStarted(event.item);
        return;
      case 'itemCompleted':
        this.itemCompleted(event.item);
        return;
      case 'error':
        if (event.willRetry) this.note(this.style.yellow(`codex: ${event.error.message} (retrying)`));
        return;
      case 'turnCompleted':
        this.spinner.stop();
        this.newline();
        return;
      default:
        return;
    }
  }

  private text(delta: string): void {
    if (delta.length === 0) return;
    this.spinner.stop();
    this.io.out.write(delta);
    this.atLineStart = delta.endsWith('\n');
  }

  private itemStarted(item: TurnItem): void {
    if (item.type === 'commandExecution') {
      this.note(this.style.cyan(`$ ${commandOf(item)}`));
      this.thinking('running');
    }
  }

  private itemCompleted(item: TurnItem): void {
    const { style } = this;
    if (item.type === 'agentMessage') {
      if (!this.streamed.has(item.id) && typeof item.text === 'string') this.text(item.text);
      this.newline();
      this.thinking();
      return;
    }
    if (item.type === 'commandExecution') {
      const status = String(item.status ?? '');
      const exit = typeof item.exitCode === 'number' ? `exit ${item.exitCode}` : status;
      const ok = status === 'completed' && item.exitCode === 0;
      this.note(style.dim(`  ${ok ? style.green(exit) : style.red(exit || 'not run')}`));
      this.thinking();
      return;
    }
    if (item.type === 'fileChange') {
      const changes = Array.isArray(item.changes) ? item.changes : [];
      const status = String(item.status ?? '');
      for (const change of changes) {
        const kind = kindOf(change.kind);
        this.note(`${style.yellow(`${kind} ${String(change.path ?? '?')}`)}${style.dim(` (${status})`)}`);
      }
      this.thinking();
    }
  }
}

function commandOf(item: Extract<TurnItem, { type: 'commandExecution' }>): string {
  const command: unknown = item.command; // an older codex sent the argv as a list
  if (Array.isArray(command)) return command.join(' ');
  return typeof command === 'string' ? command : '(command)';
}

function kindOf(kind: unknown): string {
  const type = typeof kind === 'object' && kind !== null ? (kind as { type?: unknown }).type : kind;
  if (type === 'add') return '+';
  if (type === 'delete') return '-';
  return '~';
}
