const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;

/**
 * A one-line progress indicator on a terminal stream (stderr): frames redrawn in place, cleared on
 * `stop()`. On a stream that is not a TTY it draws nothing. The caller shows it only at the start of
 * a line (clearing it would wipe a half-written line).
 */
export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private label = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  get spinning(): boolean {
    return this.timer !== undefined;
  }

  start(label: string): void {
    this.label = label;
    if (!this.enabled || this.timer) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), FRAME_MS);
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write('\r\x1b[K');
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.stream.write(`\r\x1b[K${FRAMES[this.frame]} ${this.label}`);
  }
}
