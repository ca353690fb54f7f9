/**
 * Ctrl-C semantics of the CLI: the first press interrupts the running turn, the second exits (codex
 * is shut down either way). `reset()` re-arms the first press (chat: after each turn).
 */
export class InterruptControl {
  private presses = 0;

  constructor(private readonly actions: { interrupt: () => void; exit: () => void }) {}

  press(): void {
    this.presses++;
    if (this.presses === 1) this.actions.interrupt();
    else if (this.presses === 2) this.actions.exit();
  }

  get pressed(): number {
    return this.presses;
  }

  reset(): void {
    this.presses = 0;
  }
}
