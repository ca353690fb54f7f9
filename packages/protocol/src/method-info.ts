/** The shape of the generated method inventory (`src/generated/methods.ts` fills it in). */

/** Who sends the message. */
export type Direction = 'clientToServer' | 'serverToClient';

/** A request expects a response; a notification does not. */
export type MethodKind = 'request' | 'notification';

/**
 * - `stable`: in the stable schema bundle.
 * - `experimental`: only in the `--experimental` bundle; needs `capabilities.experimentalApi: true`.
 * - `deprecated` / `internal`: labels from the generator's policy table (legacy v1 methods,
 *   test-only methods). `requiresExperimentalApi` still tells whether the capability gate applies.
 */
export type Stability = 'stable' | 'experimental' | 'deprecated' | 'internal';

/** The four method families of the app-server protocol. */
export type MethodGroup = 'clientRequest' | 'serverRequest' | 'serverNotification' | 'clientNotification';

/**
 * How a method carries params: `none` (no params), `nullable` (params may be omitted or null),
 * `required` (params must be sent).
 */
export type ParamsMode = 'none' | 'nullable' | 'required';

/** One method of the protocol, as recorded by the generator. */
export interface MethodInfo {
  /** The wire name, e.g. `thread/start`. */
  readonly method: string;
  /** camelCase name used for constants and the facade, e.g. `threadStart`. */
  readonly name: string;
  readonly group: MethodGroup;
  readonly direction: Direction;
  readonly kind: MethodKind;
  readonly stability: Stability;
  /** Only in the experimental bundle: the server rejects it without `capabilities.experimentalApi`. */
  readonly requiresExperimentalApi: boolean;
  /** The params type name, or `null` when the method has no params. */
  readonly paramsType: string | null;
  readonly paramsMode: ParamsMode;
  /** The result type name (requests), or `null` (notifications). */
  readonly resultType: string | null;
  /** Top-level params fields that need `capabilities.experimentalApi`. */
  readonly experimentalFields: readonly string[];
  /** The recorded codex versions (`Inventory.recordedVersions`) that have the method, oldest first. */
  readonly availableIn: readonly string[];
  /** From the schema, when it has one. */
  readonly description?: string;
  /** Why the stability came from policy rather than the schema. */
  readonly stabilityReason?: string;
}

/** Method counts of one group. `stable + experimental = total` (the capability gate); `deprecated` and `internal` overlay them. */
export interface MethodCounts {
  readonly total: number;
  /** Available without `capabilities.experimentalApi` (in the stable bundle). */
  readonly stable: number;
  /** Only in the experimental bundle. */
  readonly experimental: number;
  readonly deprecated: number;
  readonly internal: number;
}

/** The whole protocol: every method plus counts per group. */
export interface Inventory {
  /** The codex version the snapshot was taken from. */
  readonly codexVersion: string;
  /** `sha256:<hex>` over the vendored snapshot files. */
  readonly revision: string;
  /** The codex versions whose method lists are recorded, oldest first; the last is the pin. */
  readonly recordedVersions: readonly string[];
  readonly methods: readonly MethodInfo[];
  readonly counts: {
    readonly clientRequests: MethodCounts;
    readonly serverRequests: MethodCounts;
    readonly serverNotifications: MethodCounts;
    readonly clientNotifications: MethodCounts;
  };
}

/** A compact inventory row as generated (`METHOD_ROWS`); `inventory()` expands it into a {@link MethodInfo}. */
export type MethodRow = readonly [
  method: string,
  name: string,
  stability: Stability,
  requiresExperimentalApi: boolean,
  paramsType: string | null,
  paramsMode: ParamsMode,
  resultType: string | null,
];
