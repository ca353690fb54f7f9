import type * as v from 'valibot';

/** One validation problem, flattened for logs and error data. */
export interface ValidationIssue {
  /** Dotted path inside the validated value (`input.0.text`); `''` for the value itself. */
  readonly path: string;
  readonly message: string;
  /** What the schema expected, when valibot says (`"readOnly" | "workspaceWrite"`). */
  readonly expected?: string;
  /** What it got (`"foo"`, `undefined`). */
  readonly received?: string;
}

/** `a.b.0.c` from a valibot issue path; map and set keys print as their string form. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => String(item.key)).join('.');
}

/** A strict object's issue for a key it does not declare. */
function isUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never';
}

/**
 * Flattens valibot issues. A union issue whose alternatives all failed at a deeper path is reported
 * at the deepest such path too, so the first issue names the most specific offending field.
 */
export function flattenIssues(issues: readonly v.BaseIssue<unknown>[]): ValidationIssue[] {
  return issues.map((issue) => {
    let chosen = issue;
    if (issue.type === 'union' && issue.issues) {
      const deepest = [...issue.issues].sort((a, b) => (b.path?.length ?? 0) - (a.path?.length ?? 0))[0];
      if (deepest && (deepest.path?.length ?? 0) > (issue.path?.length ?? 0)) chosen = deepest;
    }
    const own = isUnknownKey(chosen) ? `Unknown field ${chosen.received}` : chosen.message;
    const out: { -readonly [K in keyof ValidationIssue]: ValidationIssue[K] } = {
      path: issuePath(chosen),
      message: chosen === issue ? own : `${own} (in one of the alternatives: ${issue.message})`,
    };
    if (chosen.expected !== null) out.expected = chosen.expected;
    out.received = chosen.received;
    return out;
  });
}
