import { findRedisServer } from '../src/testing.js';

export { type RedisServer, startRedis } from '../src/testing.js';

/**
 * Whether the Redis tests can run: true with a redis-server; false (skip) without one locally.
 * Under `CI` a missing redis-server throws, so the suite fails instead of skipping silently.
 */
export function redisAvailable(): boolean {
  if (findRedisServer() !== undefined) return true;
  if (process.env.CI) {
    throw new Error('redis-server not found (CI installs Debian redis-server; or set REDIS_SERVER_BIN)');
  }
  return false;
}
