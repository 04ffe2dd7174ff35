import { describeLoss } from '../stores/redis-epoch.js';
import type { ReadinessCheck } from '../transport/http/create-http-server.js';
import type { RollbackCore } from './build-rollback-core.js';

/**
 * /readyz's Redis checks: `redis` fails when Redis does not answer within the probe's time (frozen,
 * away); `redis-data` stays ready but says, in `detail`, when this process saw Redis lose the bot's data.
 */
export function redisReadiness(core: Pick<RollbackCore, 'redis' | 'epoch'>): ReadinessCheck[] {
  return [
    { name: 'redis', check: async () => void (await core.redis.ping()) },
    {
      name: 'redis-data',
      check: async () => {
        const loss = core.epoch.lastSeen();
        if (!loss) return 'kept since this process started';
        return (
          `lost at ${loss.at.toISOString()} (${describeLoss(loss)}): running rollbacks were put back, ` +
          'earlier audit entries, marks and queued requests are gone (docs/redis.md)'
        );
      },
    },
  ];
}
