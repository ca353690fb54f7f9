export type {
  AutomationHandle,
  AutomationSpec,
  AutomationState,
  AutomationStatus,
  SpawnOptions,
  StopOptions,
} from './automation-types.js';
export { type AutomationClock, systemClock } from './clock.js';
export { spawn } from './spawn.js';
