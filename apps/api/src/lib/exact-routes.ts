import type { Request, RequestHandler, Response, NextFunction, Router } from 'express';
import { ApiError } from './errors.js';
import { sendError } from './envelope.js';

/** Router options for every router of the API: paths match exactly, as Starlette's do (MTS). */
export const EXACT = Object.freeze({ caseSensitive: true, strict: true });

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

/**
 * What Starlette (MTS) answers where no route takes the request, for the routes `router` serves:
 * - a known path with another method (OPTIONS and HEAD on a POST route included): 405 with an `Allow` header and
 *   the MTS envelope with ATS-REQ-107 (Starlette's body is `{"detail":"Method Not Allowed"}`: ours says it the way
 *   every other error of the API does);
 * - a known path plus a trailing slash (`/ping/`): 307 to the path without it (Starlette's `redirect_slashes`);
 * - anything else goes on to the 404.
 * Install `before` first in `router` (Express would answer OPTIONS itself with 200) and `after` last.
 * @example const guard = methodGuard(api); api.use(guard.before); …routes…; api.use(guard.after);
 */
export function methodGuard(router: Router): { before: RequestHandler; after: RequestHandler } {
  let known: KnownRoute[] | undefined; // read at the first request: every route is registered by then
  const answer = (req: Request, res: Response, next: NextFunction) => {
    known ??= routesOf(router);
    const here = known.filter((r) => r.pattern.test(req.path));
    if (here.length > 0) {
      const allow = new Set(here.flatMap((r) => [...r.methods]));
      res.set('Allow', [...allow].join(', '));
      sendError(res, new ApiError('ATS-REQ-107', `Method Not Allowed. ${req.method} is not served here; Allow: ${[...allow].join(', ')}`));
      return;
    }
    const bare = req.path.slice(0, -1);
    if (bare !== '' && req.path.endsWith('/') && known.some((r) => r.pattern.test(bare))) {
      const query = req.originalUrl.indexOf('?');
      res.redirect(307, `${req.baseUrl}${bare}${query === -1 ? '' : req.originalUrl.slice(query)}`);
      return;
    }
    next('router');
  };
  return {
    before: (req, res, next) => (req.method === 'OPTIONS' ? answer(req, res, next) : next()),
    after: answer,
  };
}

/** The routes of `router` and of the routers mounted in it at `/`, with their methods (GET brings HEAD). */
function routesOf(router: Router): KnownRoute[] {
  const out: KnownRoute[] = [];
  const stack = (router as unknown as { stack: Layer[] }).stack;
  for (const layer of stack) {
    const route = layer.route;
    if (route && typeof route.path === 'string') {
      const methods = new Set(Object.keys(route.methods).filter((m) => route.methods[m]).map((m) => m.toUpperCase()));
      if (methods.has('GET')) methods.add('HEAD');
      out.push({ pattern: patternOf(route.path), methods });
    } else if (Array.isArray(layer.handle?.stack)) {
      out.push(...routesOf(layer.handle as unknown as Router));
    }
  }
  return out;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: unknown };
}

/** `/authtoken/status/:id` → an exact, case-sensitive pattern with one segment per parameter. */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
