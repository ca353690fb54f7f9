import type { StateChange } from '../state-view.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A change before the projection numbers it (`seq`) and stamps it (`atMs`, the clock when omitted). */
export type ChangeInput = DistributiveOmit<StateChange, 'seq' | 'atMs'>;

/** Where the reducer and the retention ledger report changes. */
export type ChangeSink = (change: ChangeInput, atMs?: number) => void;
