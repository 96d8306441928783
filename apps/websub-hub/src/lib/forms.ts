import type { ServerResponse } from 'node:http';

/** Writes a hub reply as MOSIP's hub does: a form body, `hub.mode=accepted` or `hub.mode=denied&hub.reason=…`. */
export function reply(res: ServerResponse, status: number, fields: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/x-www-form-urlencoded' });
  res.end(new URLSearchParams(fields).toString());
}

export const accepted = (res: ServerResponse, status = 200) => reply(res, status, { 'hub.mode': 'accepted' });
export const denied = (res: ServerResponse, status: number, reason: string) => reply(res, status, { 'hub.mode': 'denied', 'hub.reason': reason });

/** The value of the cookie `name` in a Cookie header, or undefined. */
export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** An absolute http(s) URL. */
export function isHttpUrl(text: string | null): text is string {
  if (!text || !URL.canParse(text)) return false;
  const { protocol, hostname } = new URL(text);
  return (protocol === 'http:' || protocol === 'https:') && hostname !== '';
}
