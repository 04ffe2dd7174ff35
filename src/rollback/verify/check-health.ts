export interface HealthResult {
  ok: boolean;
  url: string;
  status?: number;
  /** The first 500 characters of the answer, or the error. */
  body: string;
  durationMs: number;
}

/** GETs a health URL and compares the status with the expected one. Never throws. */
export async function checkHealth(
  url: string,
  expectStatus: number,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<HealthResult> {
  const started = Date.now();
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 5_000)];
  if (options.signal) signals.push(options.signal);
  try {
    const response = await fetch(url, { signal: AbortSignal.any(signals), redirect: 'manual' });
    const body = (await response.text()).slice(0, 500);
    return {
      ok: response.status === expectStatus,
      url,
      status: response.status,
      body,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    const message =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    return { ok: false, url, body: message, durationMs: Date.now() - started };
  }
}
