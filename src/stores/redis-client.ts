import type { Cluster, Redis } from 'ioredis';

/** The connection stores use: one node (or the primary Sentinel points at) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;
