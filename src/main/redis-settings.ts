/** A Redis node or Sentinel address. */
export interface RedisEndpoint {
  host: string;
  port: number;
}

/**
 * How to reach Redis beyond what REDIS_URL says: Sentinel or Cluster instead of one node, TLS trust and
 * server name, and credentials kept out of the URL. Every connection the bot makes uses all of it.
 */
export interface RedisSettings {
  /** Redis Sentinel: the primary is asked of these sentinels, and followed when it fails over. */
  sentinel?: {
    sentinels: RedisEndpoint[];
    /** The monitored primary's name (`sentinel monitor <name> ...`). */
    name: string;
    username?: string | undefined;
    password?: string | undefined;
  };
  /** Redis Cluster: the startup nodes; the others are discovered. */
  cluster?: { nodes: RedisEndpoint[] };
  /** ACL user and password of the data nodes; they win over REDIS_URL's user info. */
  username?: string | undefined;
  password?: string | undefined;
  /** TLS to the data nodes (and sentinels): on with rediss://, REDIS_TLS=true or a CA file. */
  tls?: { caFile?: string | undefined; servername?: string | undefined };
}

/** The Redis variables of the environment, as app-config's schema parsed them. */
export interface RedisEnv {
  REDIS_URL: string;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_USERNAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_TLS?: boolean | undefined;
  REDIS_TLS_CA_FILE?: string | undefined;
  REDIS_TLS_SERVERNAME?: string | undefined;
}

/**
 * `host:port,host:port` (IPv6 as `[::1]:26379`; a missing port is `defaultPort`). Returns the endpoints,
 * or a problem that names the variable and the entry (addresses are not secret).
 */
export function parseEndpoints(
  variable: string,
  value: string,
  defaultPort: number,
): { endpoints: RedisEndpoint[] } | { problem: string } {
  const endpoints: RedisEndpoint[] = [];
  for (const raw of value.split(',').map((entry) => entry.trim())) {
    if (raw === '') continue;
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(raw);
    const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
    if (!match || port < 1 || port > 65535) {
      return { problem: `${variable}: "${raw}" is not host:port (e.g. redis-0.redis:${defaultPort})` };
    }
    endpoints.push({ host: match[1] ?? match[2] ?? '', port });
  }
  if (endpoints.length === 0) return { problem: `${variable}: list at least one host:port` };
  return { endpoints };
}

/**
 * RedisSettings from the environment, or undefined when only REDIS_URL is set (one node, as before).
 * Problems (both Sentinel and Cluster, a database number in Cluster mode) are pushed to `problems`.
 */
export function redisSettingsFromEnv(e: RedisEnv, problems: string[]): RedisSettings | undefined {
  const settings: RedisSettings = {};
  if (e.REDIS_SENTINELS) {
    const parsed = parseEndpoints('REDIS_SENTINELS', e.REDIS_SENTINELS, 26379);
    if ('problem' in parsed) problems.push(parsed.problem);
    else
      settings.sentinel = {
        sentinels: parsed.endpoints,
        name: e.REDIS_SENTINEL_NAME ?? 'mymaster',
        ...(e.REDIS_SENTINEL_USERNAME ? { username: e.REDIS_SENTINEL_USERNAME } : {}),
        ...(e.REDIS_SENTINEL_PASSWORD ? { password: e.REDIS_SENTINEL_PASSWORD } : {}),
      };
  }
  if (e.REDIS_CLUSTER_NODES) {
    const parsed = parseEndpoints('REDIS_CLUSTER_NODES', e.REDIS_CLUSTER_NODES, 6379);
    if ('problem' in parsed) problems.push(parsed.problem);
    else settings.cluster = { nodes: parsed.endpoints };
    if (/^rediss?:\/\/[^/]*\/[1-9]/.test(e.REDIS_URL))
      problems.push('REDIS_URL: Redis Cluster has only database 0; remove the /<db> from REDIS_URL');
  }
  if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES)
    problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES: set one of them (Sentinel or Cluster), not both');
  if (e.REDIS_USERNAME) settings.username = e.REDIS_USERNAME;
  if (e.REDIS_PASSWORD) settings.password = e.REDIS_PASSWORD;
  if (e.REDIS_TLS || e.REDIS_TLS_CA_FILE || e.REDIS_TLS_SERVERNAME) {
    settings.tls = {
      ...(e.REDIS_TLS_CA_FILE ? { caFile: e.REDIS_TLS_CA_FILE } : {}),
      ...(e.REDIS_TLS_SERVERNAME ? { servername: e.REDIS_TLS_SERVERNAME } : {}),
    };
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}
