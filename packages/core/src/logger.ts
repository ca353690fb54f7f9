/** An injected logger. codexus is silent unless you pass one. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** The default logger: drops everything. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** A logger that writes to the console (stderr for warn/error), at or above `level`. */
export function consoleLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const at =
    (lvl: (typeof order)[number]) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (order.indexOf(lvl) < min) return;
      const line = fields
        ? `[codexus] ${lvl} ${message} ${JSON.stringify(fields)}`
        : `[codexus] ${lvl} ${message}`;
      if (lvl === 'warn' || lvl === 'error') console.error(line);
      else console.log(line);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** One line on the wire, for the opt-in wire trace (separate from logging). */
export interface WireTraceEntry {
  direction: 'in' | 'out';
  text: string;
  atMs: number;
}
export type WireTrace = (entry: WireTraceEntry) => void;
