import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisConnection } from '../types.js';

/**
 * The connection options BullMQ and the ledger use: commands wait through a Redis restart
 * (`maxRetriesPerRequest: null`) instead of failing, so a run finishing while Redis is away is
 * recorded once it is back.
 */
export function connectionOptions(connection: RedisConnection): ConnectionOptions {
  return { ...connection, maxRetriesPerRequest: null } as ConnectionOptions;
}

export function openRedis(connection: RedisConnection): Redis {
  const redis = new Redis({ ...connection, maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // reconnects by itself; commands wait meanwhile
  return redis;
}

/** The BullMQ queue name of an automation name. */
export function queueName(name: string): string {
  return `codexus-${name}`;
}
