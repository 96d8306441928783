import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { fileURLToPath } from 'node:url';
import { EXACT } from '../exact-routes.js';

/** The page's own files only: no inline script or style, no other origin, no framing. */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The web page for people at `ui/` (and the prefix's root redirecting to it): static HTML, CSS and ES modules from
 * `uiDir`, served with a strict Content-Security-Policy. The page talks to the API with the same calls as any caller.
 */
export function uiRoutes(options: { prefix: string; uiDir: string }): Router {
  const router = Router(EXACT);
  const toPage = (_req: Request, res: Response) => res.redirect(302, `${options.prefix}ui/`);
  router.get('/', toPage);
  // Relative asset and API URLs need the trailing slash.
  router.get('/ui', toPage);
  router.use('/ui', (_req: Request, res: Response, next: NextFunction) => {
    res.set({
      'Content-Security-Policy': UI_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    next();
  });
  router.use('/ui', express.static(options.uiDir, { index: 'index.html', redirect: false, dotfiles: 'ignore' }));
  return router;
}

/** `src/ui` beside `src/lib` (tests), `dist/ui` beside `dist/lib` (the build copies it: scripts/copy-ui.mjs). */
export function defaultUiDir(): string {
  return fileURLToPath(new URL('../../ui/', import.meta.url));
}
