/**
 * A small glob matcher: `*` (any run of characters), `**` (any run, `/` included), `?` (one
 * character), `\` (the next character literally). In path mode (the default) `*` and `?` do not
 * cross `/`, and `**` followed by `/` matches zero or more whole directories (`**\/x` matches `x`
 * and `a/b/x`). In text mode (`{ paths: false }`, e.g. command lines) `/` is an ordinary character.
 * The whole text must match. Runs in O(pattern × text) time, whatever the pattern (no backtracking).
 */
export interface GlobOptions {
  /** Treat `/` as the path separator. Default true. */
  paths?: boolean;
}

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'one' }
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'dirs' };

/** Compiles a pattern once into a test function. */
export function compileGlob(pattern: string, options: GlobOptions = {}): (text: string) => boolean {
  const paths = options.paths ?? true;
  const tokens = tokenize(pattern, paths);
  return (text) => run(tokens, text, paths);
}

/** True when `text` matches `pattern` as a whole. */
export function globMatch(pattern: string, text: string, options: GlobOptions = {}): boolean {
  return compileGlob(pattern, options)(text);
}

function tokenize(pattern: string, paths: boolean): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      tokens.push({ kind: 'char', char: pattern[++i]! });
    } else if (c === '?') {
      tokens.push({ kind: 'one' });
    } else if (c === '*') {
      let end = i;
      while (pattern[end + 1] === '*') end++;
      const double = end > i;
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      if (double && paths && atSegmentStart && pattern[end + 1] === '/') {
        tokens.push({ kind: 'dirs' });
        end++; // the '/' belongs to the token
      } else {
        tokens.push({ kind: double || !paths ? 'any' : 'star' });
      }
      i = end;
    } else {
      tokens.push({ kind: 'char', char: c });
    }
  }
  return tokens;
}

/** `reach[i]`: the tokens so far can match `text[0..i)`. One pass per token. */
function run(tokens: readonly Token[], text: string, paths: boolean): boolean {
  const n = text.length;
  let reach: boolean[] = new Array<boolean>(n + 1).fill(false);
  reach[0] = true;
  for (const token of tokens) {
    const next: boolean[] = new Array<boolean>(n + 1).fill(false);
    let alive = false;
    let carry = false;
    for (let j = 0; j <= n; j++) {
      switch (token.kind) {
        case 'char':
          next[j] = j > 0 && reach[j - 1]! && text[j - 1] === token.char;
          break;
        case 'one':
          next[j] = j > 0 && reach[j - 1]! && !(paths && text[j - 1] === '/');
          break;
        case 'star':
          if (j > 0 && paths && text[j - 1] === '/') carry = false;
          carry ||= reach[j]!;
          next[j] = carry;
          break;
        case 'any':
          carry ||= reach[j]!;
          next[j] = carry;
          break;
        case 'dirs':
          // zero directories, or any text ending with '/' after a reachable point
          next[j] = reach[j]! || (carry && text[j - 1] === '/');
          carry ||= reach[j]!;
          break;
      }
      alive ||= next[j]!;
    }
    if (!alive) return false;
    reach = next;
  }
  return reach[n]!;
}
