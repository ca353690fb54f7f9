import type { HookIssueClass } from './hook-report.js';

const marker = Symbol.for('codexus.plugin.HookError');

/**
 * Thrown by a hook to say how it failed; the engine reports it as an issue of that class. Any other
 * thrown value is reported as `execution`.
 */
export class HookError extends Error {
  readonly issueClass: HookIssueClass;

  constructor(issueClass: HookIssueClass, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HookError';
    this.issueClass = issueClass;
    Object.defineProperty(this, marker, { value: true });
  }

  /** True for any HookError, also one created by another copy of this package. */
  static isInstance(error: unknown): error is HookError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
