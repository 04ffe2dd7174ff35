import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';

const CHANNEL = 'C0DEPLOYS';
const SECRET_VALUE = 'hunter2-db-password';

/** Every text a person would read in a message: the fallback text and each block's text. */
function blocksText(message: { blocks?: unknown[]; text?: string }): string {
  const texts: string[] = [message.text ?? ''];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') texts.push(value);
        else walk(value);
      }
    }
  };
  walk(message.blocks ?? []);
  return texts.join('\n');
}

describe('config drift, through Slack: the plan warns about ConfigMaps and Secrets changed since the target ran', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let redis: Redis;
  const plans: string[] = [];

  /**
   * The plan the user sees: the acknowledgement itself, or, when planning took longer than Slack's budget
   * (a loaded machine), the follow-up sent to the command's response_url. Waiting for it keeps the next
   * change to the cluster after this plan's reads.
   */
  const plan = async (text: string): Promise<string> => {
    const urlId = `plan-${plans.length + 1}`;
    const { status, body } = await bot.slash(text, { responseUrl: bot.slack.responseUrl(urlId) });
    expect(status).toBe(200);
    let shown = blocksText(body);
    if (/^Working on it/.test(body.text ?? '')) {
      const followUp = () => bot.slack.callsTo('response_url').find((c) => c.responseUrlId === urlId);
      await bot.slack.waitFor(() => followUp() !== undefined, 20_000);
      shown = blocksText(followUp()?.args as { text?: string; blocks?: unknown[] });
    }
    plans.push(shown);
    return shown;
  };
  /** GETs of ConfigMaps and Secrets the bot sent to the API server so far. */
  const configReads = (): number =>
    kube.requests.filter((r) => r.method === 'GET' && /\/(configmaps|secrets)\//.test(r.path)).length;
  const image = () => kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    kube.createConfigMap({ name: 'kaizen-config', data: { LOG_LEVEL: 'info', FEATURE_X: 'off' } });
    kube.createConfigMap({ name: 'kaizen-features', data: { search: 'on' } });
    kube.createSecret({ name: 'kaizen-db', data: { password: SECRET_VALUE } });
    await kube.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.6.0',
      replicas: 1,
      podSpec: {
        volumes: [
          { name: 'config', configMap: { name: 'kaizen-config' } },
          { name: 'features', configMap: { name: 'kaizen-features' } },
        ],
      },
      containerSpec: {
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'kaizen-db', key: 'password' } } }],
      },
    });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenServiceIn(CHANNEL, { kubernetes: { rolloutTimeout: '20s' } }) },
    });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await bot?.close();
    await kube?.close();
  });

  it('says when nothing was recorded for the target, and records what the running version holds', async () => {
    // v0.7.0 runs; the bot never saw v0.6.0 run, so it cannot tell what its config held.
    const shown = await plan('kaizen v0.6.0 --dry-run');
    expect(shown).toContain('Watch out');
    expect(shown).toContain(
      'Config drift not known: the bot has no record of what ConfigMap kaizen-config, ConfigMap kaizen-features, Secret kaizen-db held when v0.6.0 last ran.',
    );
  });

  it('warns about a ConfigMap changed after the target ran, naming it and only it', async () => {
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    kube.updateConfigData('ConfigMap', 'default', 'kaizen-config', { LOG_LEVEL: 'debug', FEATURE_X: 'on' });
    const shown = await plan('kaizen v0.7.0 --dry-run');
    expect(shown).toContain('Watch out');
    expect(shown).toMatch(
      /ConfigMap kaizen-config changed since v0\.7\.0 last ran \(volume config\): it may not fit v0\.7\.0 \(recorded \d{4}-/,
    );
    expect(shown).not.toContain('kaizen-features');
    expect(shown).not.toContain('Secret kaizen-db');
    expect(shown).not.toContain('Config drift not known');
  });

  it('shows the warning in the status message of the rollback, then records what v0.7.0 runs with', async () => {
    expect(await plan('kaizen v0.7.0 --reason "5xx after v0.8.0"')).toMatch(/job kaizen-/);
    await bot.slack.waitFor(
      () => bot.slack.messages(CHANNEL).some((m: FakeMessage) => /Rolled back kaizen/.test(m.text)),
      20_000,
    );
    expect(image()).toBe('kaizen:v0.7.0');
    const status = bot.slack
      .messages(CHANNEL)
      .filter((m) => m.thread_ts === undefined && /Rolled back kaizen/.test(m.text))
      .map(blocksText)
      .join('\n');
    expect(status).toContain('ConfigMap kaizen-config changed since v0.7.0 last ran');
  });

  it('gives no warning when nothing changed since the target ran, reading each object once per plan', async () => {
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    let before = configReads();
    const shown = await plan('kaizen v0.7.0 --dry-run');
    expect(shown).toContain('v0.7.0');
    expect(shown).not.toMatch(/kaizen-config|kaizen-features|kaizen-db|Config drift/);
    expect(configReads() - before).toBe(3);

    // The same through an undo: revision 4 is v0.7.0 since the rollback, its template uses the same objects.
    before = configReads();
    const undo = await plan('kaizen --to-revision 4 --dry-run');
    expect(undo).toContain('v0.7.0 (revision 4)');
    expect(undo).not.toMatch(/kaizen-config|kaizen-features|kaizen-db|Config drift/);
    expect(configReads() - before).toBe(3);
  });

  it('sees a changed Secret without ever showing or storing its value', async () => {
    kube.updateConfigData('Secret', 'default', 'kaizen-db', { password: `${SECRET_VALUE}-rotated` });
    const shown = await plan('kaizen v0.7.0 --dry-run');
    expect(shown).toContain(
      'Secret kaizen-db changed since v0.7.0 last ran (env DB_PASSWORD of container kaizen): it may not fit v0.7.0',
    );
    expect(shown).not.toContain('ConfigMap kaizen-config');

    const encoded = Buffer.from(SECRET_VALUE).toString('base64');
    const everything = [
      ...plans,
      JSON.stringify(bot.slack.calls),
      ...(await storedValues(redis, bot.config.redisPrefix)),
    ].join('\n');
    expect(everything).toContain('kaizen-db');
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(encoded.slice(0, 16));
  });
});

/** Every value stored under the bot's key prefix (strings, hashes, lists, sets, sorted sets, streams). */
async function storedValues(redis: Redis, prefix: string): Promise<string[]> {
  const values: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      else if (type === 'hash') values.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') values.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return values;
}
