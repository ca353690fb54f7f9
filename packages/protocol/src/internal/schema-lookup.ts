import type * as v from 'valibot';
import {
  CLIENT_NOTIFICATION_SCHEMAS,
  CLIENT_REQUEST_SCHEMAS,
  SERVER_NOTIFICATION_SCHEMAS,
  SERVER_REQUEST_SCHEMAS,
} from '../generated/method-schemas.js';

/** The params/result schemas of a method, from whichever generated table has it. */
export interface MethodSchemas {
  readonly params: v.GenericSchema<unknown, unknown>;
  readonly result: v.GenericSchema<unknown, unknown> | undefined;
}

let table: ReadonlyMap<string, MethodSchemas> | undefined;

function build(): ReadonlyMap<string, MethodSchemas> {
  const out = new Map<string, MethodSchemas>();
  for (const schemas of [CLIENT_REQUEST_SCHEMAS, SERVER_REQUEST_SCHEMAS]) {
    for (const [method, spec] of Object.entries(schemas)) {
      out.set(method, { params: spec.params, result: spec.result });
    }
  }
  for (const schemas of [SERVER_NOTIFICATION_SCHEMAS, CLIENT_NOTIFICATION_SCHEMAS]) {
    for (const [method, spec] of Object.entries(schemas))
      out.set(method, { params: spec.params, result: undefined });
  }
  return out;
}

export function schemasOf(method: string): MethodSchemas | undefined {
  table ??= build();
  return table.get(method);
}
