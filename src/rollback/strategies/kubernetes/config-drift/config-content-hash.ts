import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';

export interface ContentHashOptions {
  /**
   * A key of the bot's: the hash becomes an HMAC, so a recorded hash of a short secret cannot be
   * brute-forced by whoever reads the record. Without it: plain sha256.
   */
  key?: string | Uint8Array;
}

function update(hash: Hash | Hmac, bytes: Uint8Array): void {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(bytes.byteLength));
  hash.update(length);
  hash.update(bytes);
}

function hashSections(sections: [string, Record<string, Uint8Array>][], options: ContentHashOptions): string {
  const hash = options.key === undefined ? createHash('sha256') : createHmac('sha256', options.key);
  for (const [section, entries] of sections) {
    update(hash, Buffer.from(section, 'utf8'));
    const keys = Object.keys(entries).sort();
    update(hash, Buffer.from(String(keys.length), 'utf8'));
    for (const key of keys) {
      update(hash, Buffer.from(key, 'utf8'));
      update(hash, entries[key] as Uint8Array);
    }
  }
  return `${options.key === undefined ? 'sha256' : 'hmac-sha256'}:${hash.digest('hex')}`;
}

const utf8 = (map: Record<string, string> | undefined): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
const base64 = (map: Record<string, string> | undefined): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));

/**
 * A hash of a ConfigMap's content (`data` and `binaryData`, keys sorted, every key and value
 * length-prefixed so no two contents collide by concatenation). Metadata does not count: relabelling a
 * ConfigMap does not change its hash.
 */
export function configMapContentHash(configMap: V1ConfigMap, options: ContentHashOptions = {}): string {
  return hashSections(
    [
      ['data', utf8(configMap.data)],
      ['binaryData', base64(configMap.binaryData)],
    ],
    options,
  );
}

/** A hash of a Secret's decoded `data` and its type. The values are only hashed, never kept. */
export function secretContentHash(secret: V1Secret, options: ContentHashOptions = {}): string {
  return hashSections(
    [
      ['type', { type: Buffer.from(secret.type ?? 'Opaque', 'utf8') }],
      ['data', base64(secret.data)],
    ],
    options,
  );
}
