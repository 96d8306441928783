/**
 * A pipeline stage that caps the byte rate: chunks are cut into pieces of at most a tenth of a second's worth
 * and each piece waits until the average rate is under the cap.
 */
export function throttle(bytesPerSecond: number, signal?: AbortSignal) {
  const piece = Math.max(1, Math.floor(bytesPerSecond / 10));
  return async function* (chunks: AsyncIterable<Uint8Array | string>): AsyncIterable<Uint8Array> {
    const started = Date.now();
    let sent = 0;
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let at = 0; at < bytes.byteLength; at += piece) {
        const part = bytes.subarray(at, at + piece);
        sent += part.byteLength;
        const due = started + (sent / bytesPerSecond) * 1000 - Date.now();
        if (due > 0) await new Promise<void>((resolve) => setTimeout(resolve, due));
        if (signal?.aborted) return;
        yield part;
      }
    }
  };
}
