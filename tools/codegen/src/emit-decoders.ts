import { paramsTypeText } from './emit-methods.js';
import type { GenerationModel } from './model.js';
import { LINE_WIDTH, quote, typeImport } from './print.js';

/**
 * Pass 9 of the pipeline: the typed unions the decoders return. One variant per server request and
 * per server notification, discriminated by `method` once `kind` is `'known'`.
 */

function variant(fields: [string, string][]): string {
  const flat = `{ ${fields.map(([k, v]) => `readonly ${k}: ${v}`).join('; ')} }`;
  if (flat.length + 4 <= LINE_WIDTH) return `  | ${flat}`;
  return `  | {\n${fields.map(([k, v]) => `      readonly ${k}: ${v};`).join('\n')}\n    }`;
}

export function emitDecoders(model: GenerationModel): string {
  const out: string[] = [];
  const groups = [...model.methods.groups.serverRequests, ...model.methods.groups.serverNotifications];
  out.push(typeImport(['RequestId', ...groups.flatMap((m) => (m.params ? [m.params.name] : []))]));
  out.push('');
  out.push('/** A server request of a known method, with its typed params (see `decodeServerRequest`). */');
  out.push('export type KnownServerRequest =');
  for (const m of model.methods.groups.serverRequests) {
    out.push(
      variant([
        ['kind', "'known'"],
        ['id', 'RequestId'],
        ['method', quote(m.method)],
        ['params', paramsTypeText(m)],
      ]),
    );
  }
  out[out.length - 1] += ';';
  out.push('');
  out.push(
    '/** A server notification of a known method, with its typed params (see `decodeNotification`). */',
  );
  out.push('export type KnownServerNotification =');
  for (const m of model.methods.groups.serverNotifications) {
    out.push(
      variant([
        ['kind', "'known'"],
        ['method', quote(m.method)],
        ['params', paramsTypeText(m)],
      ]),
    );
  }
  out[out.length - 1] += ';';
  return `${out.join('\n')}\n`;
}
