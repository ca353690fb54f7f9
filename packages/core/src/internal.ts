/**
 * `@codexus/core/internal`: helpers the sibling packages share (queues, emitters, timing, call
 * scopes, exit cleanup, whether a pid runs). Not part of the public API: no semver promise, no API
 * report.
 */
export { processAlive } from '@codexus/process';
export { AsyncQueue } from './async-queue.js';
export { Emitter } from './emitter.js';
export { onProcessExit } from './exit-cleanup.js';
export { percentile } from './metrics.js';
export { type CallScope, callScope } from './request-options.js';
export { delay, within } from './timing.js';
