import { createHash } from 'node:crypto';
import type { AwsClient } from 'aws4fetch';
import type { XMLParser } from 'fast-xml-parser';
import { retryWithBackoff, type RetryPolicy } from '../../rollback/retry-with-backoff.js';
import type { BundleManifest } from '../bundle/bundle-manifest.js';
import { EvidenceStoreError, EvidenceStoreUnavailableError } from '../evidence-errors.js';
import type { BundleListFilter, EvidenceStore, StoredBundle } from '../evidence-store.js';
import {
  BUNDLE_SUFFIX,
  matchesFilter,
  newBundleId,
  newestFirst,
  parseBundleId,
  tryParseBundleId,
} from '../bundle-id.js';

export interface S3EvidenceStoreOptions {
  bucket: string;
  /** An S3-compatible endpoint ("http://minio:9000"); omitted: AWS S3 in `region`. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Key prefix inside the bucket ("rollback-bot/evidence/"). */
  prefix?: string;
  /** `<endpoint>/<bucket>/<key>` (default with an endpoint) instead of `<bucket>.<host>/<key>`. */
  pathStyle?: boolean;
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Keys per ListObjectsV2 page; default 1000 (the most S3 returns). */
  pageSize?: number;
}

interface ListPage {
  ListBucketResult?: {
    Contents?: { Key?: string; Size?: number }[];
    IsTruncated?: boolean | string;
    NextContinuationToken?: string;
  };
}

/**
 * Bundles as objects of an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...), for several bot instances
 * sharing evidence. Requests are signed with SigV4 by aws4fetch over the built-in fetch; aws4fetch and the
 * XML parser are loaded on first use, so a bot without S3 configured never loads them. 5xx, 429 and network
 * failures are retried with backoff (every request is idempotent), then EvidenceStoreUnavailableError.
 */
export class S3EvidenceStore implements EvidenceStore {
  readonly description: string;
  private client: Promise<AwsClient> | undefined;
  private parser: Promise<XMLParser> | undefined;
  private readonly prefix: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: S3EvidenceStoreOptions) {
    this.prefix = (options.prefix ?? '').replace(/^\/+/, '');
    this.retry = options.retry ?? { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };
    this.description = `s3 bucket ${options.bucket}${options.endpoint ? ` at ${options.endpoint}` : ` in ${options.region}`}`;
  }

  async put(data: Uint8Array, manifest: BundleManifest): Promise<StoredBundle> {
    const id = newBundleId(manifest);
    const body = new Uint8Array(data);
    await this.request('PUT', this.objectUrl(id), {
      body,
      headers: {
        'content-type': 'application/gzip',
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
      },
    });
    return parseBundleId(id, data.byteLength);
  }

  async list(filter: BundleListFilter = {}): Promise<StoredBundle[]> {
    const found: StoredBundle[] = [];
    const prefix = `${this.prefix}${filter.service === undefined ? '' : `${filter.service}/`}`;
    let token: string | undefined;
    do {
      const url = this.bucketUrl();
      url.searchParams.set('list-type', '2');
      url.searchParams.set('prefix', prefix);
      url.searchParams.set('max-keys', String(this.options.pageSize ?? 1000));
      if (token !== undefined) url.searchParams.set('continuation-token', token);
      const response = await this.request('GET', url);
      const page = (await this.xml()).parse(await response.text()) as ListPage;
      for (const item of page.ListBucketResult?.Contents ?? []) {
        const key = String(item.Key ?? '');
        if (!key.startsWith(this.prefix) || !key.endsWith(BUNDLE_SUFFIX)) continue;
        const bundle = tryParseBundleId(
          key.slice(this.prefix.length, -BUNDLE_SUFFIX.length),
          Number(item.Size ?? 0),
        );
        if (bundle !== undefined && matchesFilter(bundle, filter)) found.push(bundle);
      }
      const truncated = String(page.ListBucketResult?.IsTruncated) === 'true';
      token = truncated ? page.ListBucketResult?.NextContinuationToken : undefined;
    } while (token !== undefined);
    return found.sort(newestFirst);
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const response = await this.request('GET', this.objectUrl(id), {}, [404]);
    return response.status === 404 ? undefined : new Uint8Array(await response.arrayBuffer());
  }

  async delete(id: string): Promise<void> {
    await this.request('DELETE', this.objectUrl(id), {}, [404]);
  }

  private bucketUrl(): URL {
    const { endpoint, bucket, region } = this.options;
    if (endpoint === undefined) return new URL(`https://${bucket}.s3.${region}.amazonaws.com/`);
    const base = new URL(endpoint);
    if (this.options.pathStyle === false) return new URL(`${base.protocol}//${bucket}.${base.host}/`);
    return new URL(`${base.href.replace(/\/+$/, '')}/${bucket}/`);
  }

  private objectUrl(id: string): URL {
    return new URL(`${this.prefix}${parseBundleId(id).id}${BUNDLE_SUFFIX}`, this.bucketUrl());
  }

  private async request(
    method: string,
    url: URL,
    init: RequestInit = {},
    accept: number[] = [],
  ): Promise<Response> {
    const client = await (this.client ??= loadClient(this.options));
    const what = `${method} ${url.pathname}`;
    return retryWithBackoff(async () => {
      let response: Response;
      try {
        response = await client.fetch(url.toString(), {
          ...init,
          method,
          signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
        });
      } catch (error) {
        throw new EvidenceStoreUnavailableError(`${this.description} did not answer ${what}`, {
          cause: error,
        });
      }
      if (response.ok || accept.includes(response.status)) return response;
      const detail = (await response.text().catch(() => '')).match(/<Code>([^<]{1,80})<\/Code>/)?.[1];
      const message = `${this.description} answered ${response.status}${detail ? ` ${detail}` : ''} to ${what}`;
      if (response.status >= 500 || response.status === 429) throw new EvidenceStoreUnavailableError(message);
      throw new EvidenceStoreError(
        response.status === 401 || response.status === 403
          ? 'evidence_store_denied'
          : 'evidence_store_failed',
        message,
        {
          hint: 'Check the EVIDENCE_S3_* settings: bucket, endpoint, region and credentials.',
        },
      );
    }, this.retry);
  }

  private xml(): Promise<XMLParser> {
    return (this.parser ??= import('fast-xml-parser').then(
      ({ XMLParser }) => new XMLParser({ isArray: (name) => name === 'Contents', parseTagValue: false }),
    ));
  }
}

async function loadClient(options: S3EvidenceStoreOptions): Promise<AwsClient> {
  const { AwsClient } = await import('aws4fetch');
  return new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    service: 's3',
    region: options.region,
    retries: 0,
  });
}
