/** Fields the Web API client sends as JSON strings inside form bodies; decoded so tests can inspect them. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurls']);

/**
 * Parses a request body the way Slack does: `application/x-www-form-urlencoded` and `multipart/form-data`
 * (the Web API client's two encodings) and `application/json`. Query-string arguments are merged in.
 */
export async function parseRequestBody(
  raw: Buffer,
  contentType: string | undefined,
  query: URLSearchParams,
): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of query) args[key] = decodeField(key, value);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return args;
  if (type === 'application/json') {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) Object.assign(args, parsed);
    return args;
  }
  if (type === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = decodeField(key, value);
    return args;
  }
  if (type === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType ?? '' },
    }).formData();
    for (const [key, value] of form) {
      args[key] =
        typeof value === 'string'
          ? decodeField(key, value)
          : Buffer.from(await value.arrayBuffer()).toString('utf8');
    }
    return args;
  }
  args.body = raw.toString('utf8');
  return args;
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Slack answers invalid_blocks_format / invalid_arguments for these; keep the raw string for the handler.
    return value;
  }
}
