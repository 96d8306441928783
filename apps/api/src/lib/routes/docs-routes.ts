import express, { Router } from 'express';
import { openApiDocument, type EnvelopeSchemas } from '../openapi.js';
import { EXACT } from '../exact-routes.js';

/** GET openapi.json and a Swagger UI page at docs/, served from swagger-ui-dist's files (no CDN). */
export function docsRoutes(options: { prefix: string; swaggerUiDir: string; syncOperationMode: boolean; schemas?: EnvelopeSchemas; callerAuth?: boolean }): Router {
  const router = Router(EXACT);
  const document = openApiDocument(options.prefix, options.schemas ?? {}, { syncOperationMode: options.syncOperationMode, callerAuth: options.callerAuth === true });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (req, res, next) => {
    // Relative asset URLs need the trailing slash.
    if (!req.originalUrl.split('?')[0].endsWith('/')) return res.redirect(301, `${options.prefix}docs/`);
    next();
  });
  router.get('/docs/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(
      `window.onload = () => { window.ui = SwaggerUIBundle({ url: ${JSON.stringify(`${options.prefix}openapi.json`)}, dom_id: '#swagger-ui' }); };\n`,
    );
  });
  router.use('/docs', express.static(options.swaggerUiDir, { index: false }));
  return router;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Token Seeder API</title>
  <link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="swagger-ui-bundle.js"></script>
  <script src="init.js"></script>
</body>
</html>
`;
