export type { DoctorCheck } from './doctor-checks.js';
export { EXIT_CODES, type ExitCode } from './exit-codes.js';
export type { ApprovalOutcome, CliJsonEvent } from './json-events.js';
export { JSON_EVENT_VERSION } from './json-events.js';
export { createProgram, runCli } from './program.js';
export type { CliIo } from './turn-renderer.js';
