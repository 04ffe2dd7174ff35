/** One server-sent event as the console's stream sends it. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Reads `GET <url>` as an event stream and calls `onEvent` for each event until `stop` returns true or the
 * signal aborts. A plain reader of the wire format, as a browser's EventSource would see it.
 */
export async function readEvents(
  url: string,
  onEvent: (event: SseEvent) => boolean | void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, { signal, headers: { accept: 'text/event-stream' } });
  if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (data !== '' && onEvent({ event, data }) === true) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
