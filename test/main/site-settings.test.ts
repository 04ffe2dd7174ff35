import { describe, expect, it } from 'vitest';
import { ConfigError, loadAppConfig } from '../../src/main/app-config.js';
import { plansOnWorkers, siteSettings } from '../../src/main/site-settings.js';

function sites(env: Record<string, string>) {
  return siteSettings(loadAppConfig(env).sites);
}

function problems(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('site settings from the environment', () => {
  it('default to one site, every strategy, planning here, probes on loopback:3001', () => {
    expect(sites({})).toEqual({
      workerSites: ['default'],
      workerStrategies: undefined,
      planOnWorkers: [],
      planTimeoutMs: 20_000,
      shutdownGraceMs: 25_000,
      workerHttp: { port: 3001, host: '127.0.0.1' },
      heartbeatTtlMs: 15_000,
      siteCheckIntervalMs: 10_000,
    });
  });

  it('read lists, planning per site or everywhere, and a worker without HTTP', () => {
    const settings = sites({
      WORKER_SITES: ' eu-1, us-2 ,eu-1',
      WORKER_STRATEGIES: 'kubernetes,helm',
      PLAN_ON_WORKERS: 'eu-1',
      WORKER_HTTP_PORT: 'off',
    });
    expect(settings.workerSites).toEqual(['eu-1', 'us-2']);
    expect(settings.workerStrategies).toEqual(['kubernetes', 'helm']);
    expect(plansOnWorkers(settings, 'eu-1')).toBe(true);
    expect(plansOnWorkers(settings, 'us-2')).toBe(false);
    expect(settings.workerHttp).toBeUndefined();
    expect(plansOnWorkers(sites({ PLAN_ON_WORKERS: 'true' }), 'anywhere')).toBe(true);
    expect(sites({ PLAN_ON_WORKERS: 'false' }).planOnWorkers).toEqual([]);
  });

  it('refuse names that cannot be a site or a strategy, and a port that is not one', () => {
    expect(problems({ WORKER_SITES: 'eu:1' })).toEqual([
      expect.stringMatching(/^WORKER_SITES: each site must be/),
    ]);
    expect(problems({ WORKER_STRATEGIES: 'kubernetes,ansible' })).toEqual([
      expect.stringMatching(/^WORKER_STRATEGIES: each strategy must be one of kubernetes, helm/),
    ]);
    expect(problems({ PLAN_ON_WORKERS: 'EU 1' })).toHaveLength(1);
    expect(problems({ WORKER_HTTP_PORT: '70000' })).toEqual([
      expect.stringMatching(/^WORKER_HTTP_PORT: a port/),
    ]);
  });
});
