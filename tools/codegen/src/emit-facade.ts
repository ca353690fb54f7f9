import type { MethodDef } from './classify-methods.js';
import { methodDocParts, methodTypeNames } from './emit-methods.js';
import { type GenerationModel, paramsCanBeEmpty } from './model.js';
import { docComment, LINE_WIDTH, propertyKey, quote, typeImport } from './print.js';

/**
 * Pass 8 of the pipeline: the facade, one camelCase method per client request. The interface is
 * generated here; `createFacade` (hand-written) builds it from `FACADE_METHODS` over any
 * `request(method, params, options)` function.
 */

/**
 * How a facade method takes params:
 * - `none`: no params argument (`accountLogout(options?)`).
 * - `optional`: params may be omitted or null and are sent as given.
 * - `empty`: params are required on the wire but have no required field; omitted params are sent as `{}`.
 * - `required`: params must be given.
 */
export type FacadeParams = 'none' | 'optional' | 'empty' | 'required';

export function facadeParams(method: MethodDef, model: GenerationModel): FacadeParams {
  if (method.paramsMode === 'none' || !method.params) return 'none';
  if (method.paramsMode === 'nullable') return 'optional';
  return paramsCanBeEmpty(method, model) ? 'empty' : 'required';
}

function signature(method: MethodDef, mode: FacadeParams): string {
  const result = `Promise<${method.result?.name ?? 'unknown'}>`;
  const name = method.params ? method.params.name : '';
  const args =
    mode === 'none'
      ? 'options?: RequestOptions'
      : mode === 'optional'
        ? `params?: ${name} | null, options?: RequestOptions`
        : mode === 'empty'
          ? `params?: ${name}, options?: RequestOptions`
          : `params: ${name}, options?: RequestOptions`;
  const flat = `  ${method.camelName}(${args}): ${result};`;
  if (flat.length <= LINE_WIDTH) return flat;
  return `  ${method.camelName}(\n${args
    .split(', ')
    .map((a) => `    ${a},`)
    .join('\n')}\n  ): ${result};`;
}

export function emitFacade(model: GenerationModel): string {
  const methods = model.methods.groups.clientRequests;
  const out: string[] = [];
  out.push("import type { RequestOptions } from '@codexus/core';");
  out.push(typeImport(methodTypeNames(methods)));
  out.push('');
  out.push('/**');
  out.push(' * One camelCase method per client request, each sending its wire method through the request');
  out.push(
    ' * function given to `createFacade`. Params are sent as given (see `FACADE_METHODS` for omitted params).',
  );
  out.push(' */');
  out.push('export interface ClientFacade {');
  methods.forEach((m, i) => {
    const mode = facadeParams(m, model);
    const { paragraphs, tags } = methodDocParts(m);
    paragraphs.push(`Sends \`${m.method}\`${mode === 'empty' ? ' (omitted params are sent as `{}`)' : ''}.`);
    if (i > 0) out.push('');
    out.push(docComment(paragraphs, tags, '  ').trimEnd());
    out.push(signature(m, mode));
  });
  out.push('}');
  out.push('');
  out.push(
    '/** How a facade method takes params (`none`, `optional`, `empty`: defaults to `{}`, `required`). */',
  );
  out.push("export type FacadeParams = 'none' | 'optional' | 'empty' | 'required';");
  out.push('');
  out.push('/** Facade method → [wire method, params handling]. */');
  out.push(
    'export const FACADE_METHODS: { readonly [K in keyof ClientFacade]: readonly [method: string, params: FacadeParams] } = {',
  );
  for (const m of methods) {
    out.push(`  ${propertyKey(m.camelName)}: [${quote(m.method)}, ${quote(facadeParams(m, model))}],`);
  }
  out.push('};');
  return `${out.join('\n')}\n`;
}
