import { createHash } from 'node:crypto';

/** The revision of a text: `"sha256:" + hex(sha256(utf8(text)))`. Equal texts have equal revisions. */
export function computeRevision(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

const REVISION = /^sha256:[0-9a-f]{64}$/;

/** True for a string of the form {@link computeRevision} returns. */
export function isRevision(value: unknown): value is string {
  return typeof value === 'string' && REVISION.test(value);
}
