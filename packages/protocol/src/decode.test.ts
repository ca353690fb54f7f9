import { describe, expect, it } from 'vitest';
import { snapshotBundle, unionMethods } from '../test/vendored-snapshot.js';
import {
  decodeNotification,
  decodeServerRequest,
  isServerNotificationMethod,
  isServerRequestMethod,
} from './decode.js';
import { inventory } from './inventory.js';

describe('router exhaustiveness', () => {
  const methods = inventory().methods;

  it('decodes every server request method to its own known variant', () => {
    const requests = methods.filter((m) => m.group === 'serverRequest');
    expect(requests).toHaveLength(unionMethods(snapshotBundle('experimental'), 'ServerRequest').length);
    for (const { method } of requests) {
      const decoded = decodeServerRequest({ id: 7, method, params: { marker: method } });
      expect(decoded).toEqual({ kind: 'known', id: 7, method, params: { marker: method } });
      expect(isServerRequestMethod(method)).toBe(true);
      // A server request method is not a notification.
      expect(decodeNotification({ method, params: {} }).kind).toBe('unknown');
    }
  });

  it('decodes every server notification method to its own known variant', () => {
    const notifications = methods.filter((m) => m.group === 'serverNotification');
    expect(notifications).toHaveLength(
      unionMethods(snapshotBundle('experimental'), 'ServerNotification').length,
    );
    for (const { method } of notifications) {
      expect(decodeNotification({ method, params: { marker: method } })).toEqual({
        kind: 'known',
        method,
        params: { marker: method },
      });
      expect(isServerNotificationMethod(method)).toBe(true);
    }
  });

  it('decodes unknown methods (and client-side methods) to unknown, never throwing', () => {
    expect(decodeNotification({ method: 'brand/new', params: { a: 1 } })).toEqual({
      kind: 'unknown',
      method: 'brand/new',
      params: { a: 1 },
    });
    expect(decodeNotification({ method: 'initialized' }).kind).toBe('unknown');
    expect(decodeNotification({ method: 'thread/start', params: {} }).kind).toBe('unknown');
    expect(decodeServerRequest({ id: 1, method: 'brand/new/request' })).toEqual({
      kind: 'unknown',
      id: 1,
      method: 'brand/new/request',
      params: undefined,
    });
    expect(decodeServerRequest({ id: null, method: 'item/tool/call', params: {} }).kind).toBe('unknown');
    expect(isServerNotificationMethod('toString')).toBe(false);
    expect(isServerRequestMethod('__proto__')).toBe(false);
  });
});
