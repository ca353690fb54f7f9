import { describe, expect, it } from 'vitest';
import { miniProtocols, snapshotOf } from '../test/fixtures.js';
import { emitDecoders } from './emit-decoders.js';
import { emitDefinitions } from './emit-definitions.js';
import { emitFacade, facadeParams } from './emit-facade.js';
import { emitMethodSchemas, emitMethods } from './emit-methods.js';
import { buildModel } from './model.js';

const { stable, experimental } = miniProtocols();
const model = buildModel(snapshotOf(stable, experimental), {
  stabilityOverrides: { 'thing/list': { stability: 'deprecated', reason: 'Use thing/search.' } },
  resultTypeOverrides: {},
  unmatchedResponses: {},
  untypedResults: {},
});

describe('emitMethods', () => {
  const text = emitMethods(model);

  it('emits version constants, method constants and maps', () => {
    expect(text).toContain("export const CODEX_PROTOCOL_VERSION = '1.2.3';");
    expect(text).toContain("export const PROTOCOL_REVISION = 'sha256:1.2.3';");
    expect(text).toContain("  thingStart: 'thing/start',");
    expect(text).toContain("  'thing/start': { params: ThingStartParams; result: ThingStartResponse };");
    expect(text).toContain("  'account/logout': { params: undefined; result: AccountLogoutResponse };");
    expect(text).toContain("  'thing/changed': { params: ThingChangedNotification };");
    expect(text).toContain('  initialized: { params: undefined };');
    expect(text).toContain('export type ServerRequestMethod = keyof ServerRequestMap;');
  });

  it('emits inventory rows and the experimental/description/stability tables', () => {
    expect(text).toContain(
      "    ['thing/start', 'thingStart', 'stable', false, 'ThingStartParams', 'required', 'ThingStartResponse'],",
    );
    expect(text).toContain(
      "    ['account/logout', 'accountLogout', 'stable', false, null, 'none', 'AccountLogoutResponse'],",
    );
    expect(text).toContain(
      "    ['thing/changed', 'thingChanged', 'stable', false, 'ThingChangedNotification', 'required', null],",
    );
    expect(text).toContain("  'thing/start': ['turbo'],");
    expect(text).toContain("  'thing/list':\n    'Use thing/search.',");
    expect(text).toContain("  /** @deprecated Use thing/search. */\n  'thing/list': {");
  });
});

describe('emitMethodSchemas', () => {
  it('links every method to its schemas, with NoParamsSchema for methods without params', () => {
    const text = emitMethodSchemas(model);
    expect(text).toContain(
      "  'thing/start': { params: S.ThingStartParamsSchema, result: S.ThingStartResponseSchema },",
    );
    expect(text).toContain(
      "  'account/logout': { params: NoParamsSchema, result: S.AccountLogoutResponseSchema },",
    );
    expect(text).toContain('  initialized: { params: NoParamsSchema },');
  });
});

describe('emitFacade', () => {
  it('derives how each method takes params', () => {
    const mode = (method: string) =>
      facadeParams(model.methods.methods.find((m) => m.method === method)!, model);
    expect(mode('thing/start')).toBe('required');
    expect(mode('thing/list')).toBe('empty');
    expect(mode('account/logout')).toBe('none');
    const text = emitFacade(model);
    expect(text).toContain("  thingList: ['thing/list', 'empty'],");
    expect(text).toContain('Sends `thing/list` (omitted params are sent as `{}`).');
  });
});

describe('emitDecoders', () => {
  it('emits one known variant per server request and notification', () => {
    const text = emitDecoders(model);
    expect(text).toContain(
      "import type { ApproveParams, RequestId, ThingChangedNotification } from './types.js';",
    );
    expect(text).toContain(
      "export type KnownServerRequest =\n  | {\n      readonly kind: 'known';\n      readonly id: RequestId;\n      readonly method: 'item/approve';",
    );
    expect(text).toContain(
      "  | { readonly kind: 'known'; readonly method: 'thing/changed'; readonly params: ThingChangedNotification };",
    );
  });
});

describe('emitDefinitions', () => {
  it('indexes definitions, omissions and experimental marks', () => {
    const text = emitDefinitions(model);
    expect(text).not.toContain('* as T');
    expect(text).toContain('  ThingStartParams: ThingStartParams;');
    expect(text).toContain("  ThingStartParams: ['v2/ThingStartParams'],");
    expect(text).toContain("  'ThingSecretParams',");
    expect(text).toContain("  ThingStartParams: ['turbo'],");
    expect(text).toContain('  ClientRequest:\n');
    expect(text).toContain('  ThingStartParams: S.ThingStartParamsSchema,');
  });
});
