import { HISTORY_VERSIONS } from './generated/history.js';
import {
  CODEX_PROTOCOL_VERSION,
  EXPERIMENTAL_PARAMS_FIELDS,
  METHOD_DESCRIPTIONS,
  METHOD_ROWS,
  PROTOCOL_REVISION,
  STABILITY_REASONS,
} from './generated/methods.js';
import type {
  Direction,
  Inventory,
  MethodCounts,
  MethodGroup,
  MethodInfo,
  MethodKind,
} from './method-info.js';
import { availableIn } from './method-support.js';

const GROUP_SHAPE: { readonly [G in MethodGroup]: { direction: Direction; kind: MethodKind } } = {
  clientRequest: { direction: 'clientToServer', kind: 'request' },
  serverRequest: { direction: 'serverToClient', kind: 'request' },
  serverNotification: { direction: 'serverToClient', kind: 'notification' },
  clientNotification: { direction: 'clientToServer', kind: 'notification' },
};

const GROUPS = Object.keys(GROUP_SHAPE) as MethodGroup[];

let cached: Inventory | undefined;
let byMethod: ReadonlyMap<string, MethodInfo> | undefined;

function expand(group: MethodGroup): MethodInfo[] {
  return METHOD_ROWS[group].map(
    ([method, name, stability, requiresExperimentalApi, paramsType, paramsMode, resultType]): MethodInfo => {
      const info: MethodInfo = {
        method,
        name,
        group,
        ...GROUP_SHAPE[group],
        stability,
        requiresExperimentalApi,
        paramsType,
        paramsMode,
        resultType,
        experimentalFields: EXPERIMENTAL_PARAMS_FIELDS[method] ?? [],
        availableIn: availableIn(method, group),
      };
      const description = METHOD_DESCRIPTIONS[method];
      const stabilityReason = STABILITY_REASONS[method];
      return Object.freeze({
        ...info,
        ...(description === undefined ? {} : { description }),
        ...(stabilityReason === undefined ? {} : { stabilityReason }),
      });
    },
  );
}

function countsOf(methods: readonly MethodInfo[]): MethodCounts {
  return {
    total: methods.length,
    stable: methods.filter((m) => !m.requiresExperimentalApi).length,
    experimental: methods.filter((m) => m.requiresExperimentalApi).length,
    deprecated: methods.filter((m) => m.stability === 'deprecated').length,
    internal: methods.filter((m) => m.stability === 'internal').length,
  };
}

/**
 * Every method of the protocol (client and server requests and notifications) with its direction,
 * kind, stability, params/result type names, plus counts per group. Computed once, frozen.
 */
export function inventory(): Inventory {
  if (cached) return cached;
  const groups = Object.fromEntries(GROUPS.map((g) => [g, expand(g)])) as Record<MethodGroup, MethodInfo[]>;
  const methods = GROUPS.flatMap((g) => groups[g]);
  cached = Object.freeze({
    codexVersion: CODEX_PROTOCOL_VERSION,
    revision: PROTOCOL_REVISION,
    recordedVersions: HISTORY_VERSIONS,
    methods: Object.freeze(methods),
    counts: Object.freeze({
      clientRequests: countsOf(groups.clientRequest),
      serverRequests: countsOf(groups.serverRequest),
      serverNotifications: countsOf(groups.serverNotification),
      clientNotifications: countsOf(groups.clientNotification),
    }),
  });
  return cached;
}

/** The inventory entry of a method, or `undefined` when this snapshot does not know it. */
export function getMethodInfo(method: string): MethodInfo | undefined {
  byMethod ??= new Map(inventory().methods.map((m) => [m.method, m]));
  return byMethod.get(method);
}

/** True when the snapshot knows `method` (in any direction). */
export function isKnownMethod(method: string): boolean {
  return getMethodInfo(method) !== undefined;
}
