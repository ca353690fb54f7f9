/** Minimal ANSI styling, on only for a TTY without NO_COLOR (https://no-color.org). */
export interface Style {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap =
  (on: boolean, open: number, close: number) =>
  (text: string): string =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text;

export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const on = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  return {
    dim: wrap(on, 2, 22),
    bold: wrap(on, 1, 22),
    red: wrap(on, 31, 39),
    green: wrap(on, 32, 39),
    yellow: wrap(on, 33, 39),
    cyan: wrap(on, 36, 39),
  };
}
