import {
  classifyMethods,
  DEFAULT_METHOD_POLICY,
  type MethodDef,
  type MethodGroup,
  type MethodInventory,
  type MethodPolicy,
} from './classify-methods.js';
import { collectDefinitions, type DefinitionSet } from './collect-definitions.js';
import type { IrDefinition } from './ir.js';
import type { Snapshot } from './load-snapshot.js';
import { definitionToIr } from './to-ir.js';

/** The policy `diff` uses: the same tables, reported instead of enforced. */
export const LENIENT_METHOD_POLICY: MethodPolicy = { ...DEFAULT_METHOD_POLICY, lenient: true };

/** Passes 2–4 composed: everything the emitters need, computed once from a loaded snapshot. */
export interface GenerationModel {
  version: string;
  revision: string;
  defs: DefinitionSet;
  methods: MethodInventory;
  /** Emitted definitions (omissions removed), sorted by name. */
  definitions: IrDefinition[];
  irByName: ReadonlyMap<string, IrDefinition>;
  /** Schema oddities and policy hints found on the way (for the report). */
  notes: string[];
}

export function buildModel(
  snapshot: Snapshot,
  policy: MethodPolicy = DEFAULT_METHOD_POLICY,
): GenerationModel {
  const defs = collectDefinitions(snapshot);
  const methods = classifyMethods(snapshot, defs, policy);
  const notes = [...defs.notes, ...methods.notes];
  // The drift report reads definitions and methods only; a lenient model (any codex in the range)
  // skips the IR, so a schema keyword the emitters do not support is not fatal there.
  const definitions = policy.lenient
    ? []
    : defs.definitions.filter((d) => d.omitted === undefined).map((d) => definitionToIr(d, defs, notes));
  return {
    version: snapshot.version,
    revision: snapshot.revision,
    defs,
    methods,
    definitions,
    irByName: new Map(definitions.map((d) => [d.name, d])),
    notes,
  };
}

/** Names used in the generated code for each method group. */
export const GROUP_NAMES: Record<
  MethodGroup,
  { singular: string; map: string; constants: string; methodType: string; schemas: string; title: string }
> = {
  clientRequests: {
    singular: 'clientRequest',
    map: 'ClientRequestMap',
    constants: 'ClientRequestMethods',
    methodType: 'ClientRequestMethod',
    schemas: 'CLIENT_REQUEST_SCHEMAS',
    title: 'client → server request',
  },
  serverRequests: {
    singular: 'serverRequest',
    map: 'ServerRequestMap',
    constants: 'ServerRequestMethods',
    methodType: 'ServerRequestMethod',
    schemas: 'SERVER_REQUEST_SCHEMAS',
    title: 'server → client request',
  },
  serverNotifications: {
    singular: 'serverNotification',
    map: 'ServerNotificationMap',
    constants: 'ServerNotificationMethods',
    methodType: 'ServerNotificationMethod',
    schemas: 'SERVER_NOTIFICATION_SCHEMAS',
    title: 'server → client notification',
  },
  clientNotifications: {
    singular: 'clientNotification',
    map: 'ClientNotificationMap',
    constants: 'ClientNotificationMethods',
    methodType: 'ClientNotificationMethod',
    schemas: 'CLIENT_NOTIFICATION_SCHEMAS',
    title: 'client → server notification',
  },
};

/** True when the params object has no required field (the facade may then default it to `{}`). */
export function paramsCanBeEmpty(method: MethodDef, model: GenerationModel): boolean {
  if (!method.params) return true;
  const ir = model.irByName.get(method.params.name);
  if (!ir) return false;
  const node = ir.node;
  if (node.kind !== 'object') return false;
  return node.mode === 'empty' || node.properties.every((p) => p.optional);
}
