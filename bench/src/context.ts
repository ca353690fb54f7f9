/** What every benchmark gets from main. */
export interface BenchContext {
  /** `--quick`: few repetitions, a smoke run. */
  quick: boolean;
  codexBin: string;
  /** Progress on stderr (the table goes to stdout). */
  log(message: string): void;
}

/** `quick ? small : full`. */
export function reps(ctx: BenchContext, full: number, small: number): number {
  return ctx.quick ? small : full;
}
