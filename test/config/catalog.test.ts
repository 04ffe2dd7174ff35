import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.js';
import type { ServiceConfig } from '../../src/config/service-schema.js';
import { UnknownServiceError } from '../../src/config/unknown-service-error.js';
import { describeError, InputError } from '../../src/errors/rollback-error.js';

function service(name: string): ServiceConfig {
  return {
    name,
    environment: 'production',
    channel: `#incident-${name}`,
    strategy: 'kubernetes',
    kubernetes: { namespace: 'default', deployment: name, container: name, image: name, rolloutTimeout: 300 },
    verify: { expectStatus: 200 },
    approval: { required: 0, expiresAfter: 900, approvers: [] },
  } as ServiceConfig;
}

const catalog = new Catalog(
  ['kaizen', 'kaizen-web', 'billing', 'billing-api', 'api', 'app', 'search'].map(service),
);

describe('Catalog', () => {
  it('lists services by name, sorted', () => {
    expect(catalog.names()).toEqual([
      'api',
      'app',
      'billing',
      'billing-api',
      'kaizen',
      'kaizen-web',
      'search',
    ]);
    expect(catalog.all().map((s) => s.name)).toEqual(catalog.names());
    expect(catalog.get('kaizen')?.channel).toBe('#incident-kaizen');
    expect(catalog.get('kaizn')).toBeUndefined();
  });

  it.each<[string, string[]]>([
    ['kaizn', ['kaizen']],
    ['kiazen', ['kaizen']],
    ['Kaizen', ['kaizen']],
    ['kaizen-wb', ['kaizen-web', 'kaizen']],
    ['biling', ['billing']],
    ['billing-ap', ['billing-api', 'billing']],
    ['apx', ['api', 'app']],
    ['ap', ['api', 'app']],
    ['serch', ['search']],
    ['payments', []],
    ['k', []],
    ['', []],
  ])('suggests for %j: %j', (typed, expected) => {
    expect(catalog.suggest(typed)).toEqual(expected);
  });

  it('suggests at most three names, closest first', () => {
    const many = new Catalog(['web-1', 'web-2', 'web-3', 'web-4', 'web-12'].map(service));
    expect(many.suggest('web-1')).toEqual(['web-1', 'web-12', 'web-2']);
  });

  it('require returns the service or an unknown_service input error with a "did you mean"', () => {
    expect(catalog.require('kaizen').name).toBe('kaizen');
    let error: unknown;
    try {
      catalog.require('kaizn');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(UnknownServiceError);
    expect(describeError(error)).toEqual({
      code: 'unknown_service',
      message: 'Unknown service "kaizn".',
      hint: 'Did you mean kaizen? Known services: api, app, billing, billing-api, kaizen, kaizen-web, search.',
    });
    expect((error as UnknownServiceError).suggestions).toEqual(['kaizen']);
  });

  it('lists several suggestions with "or", and only known services when nothing is near', () => {
    expect(() => catalog.require('apx')).toThrow(
      expect.objectContaining({
        hint: 'Did you mean api or app? Known services: api, app, billing, billing-api, kaizen, kaizen-web, search.',
      }),
    );
    expect(() => catalog.require('payments')).toThrow(
      expect.objectContaining({
        hint: 'Known services: api, app, billing, billing-api, kaizen, kaizen-web, search.',
      }),
    );
  });

  it('keeps the hint short when there are many services', () => {
    const big = new Catalog(
      Array.from({ length: 25 }, (_, i) => service(`svc-${String(i).padStart(2, '0')}`)),
    );
    expect(() => big.require('nope')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/svc-19 and 5 more\.$/) }),
    );
  });

  it('refuses two services with the same name', () => {
    expect(() => new Catalog([service('kaizen'), service('kaizen')])).toThrow(
      'Service "kaizen" is defined twice.',
    );
  });
});
