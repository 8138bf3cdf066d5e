import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { answerClientErrors } from './common/http/client-error';
import { inspectBodyMiddleware, jsonOnlyMiddleware } from './common/http/json-only.middleware';
import { requestIdMiddleware } from './common/http/request-id';
import { ParleyIoAdapter } from './common/ws/parley-io.adapter';
import { AppConfig } from './config/config';
import { dataSourceOptions } from './database/data-source-options';
import { ensureDatabase, runMigrationsLocked } from './database/migrate';

/** Creates the database if needed and applies pending migrations under an advisory lock. */
export async function prepareDatabase(config: AppConfig): Promise<string[]> {
  await ensureDatabase(config.database.url);
  const ds = new DataSource({ ...dataSourceOptions(config), extra: { max: 2 } });
  await ds.initialize();
  try {
    return await runMigrationsLocked(ds);
  } finally {
    await ds.destroy();
  }
}

/** Builds the API app (HTTP + Socket.IO) without listening; shared by main.ts and the e2e tests. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  answerClientErrors(app.getHttpServer());
  // Order matters: the request id must exist before body parsing can fail.
  app.use(requestIdMiddleware);
  app.use(securityHeaders());
  app.use(jsonOnlyMiddleware);
  app.useBodyParser('json', { limit: '256kb', type: ['application/json', 'application/*+json'] });
  app.use(inspectBodyMiddleware);
  // Bearer tokens, never cookies: no credentialed cross-origin requests to allow.
  app.enableCors({
    origin: config.http.corsOrigins,
    credentials: false,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-Sync-As-Of', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'Link'],
  });
  app.useWebSocketAdapter(new ParleyIoAdapter(app, config));
  if (config.http.docsEnabled) setupSwagger(app);
  return app;
}

/**
 * helmet's headers on every response. The API answers JSON only, so its policy allows
 * nothing to load; the Swagger UI under /docs loads its own scripts and styles.
 */
function securityHeaders(): (req: import('express').Request, res: import('express').Response, next: () => void) => void {
  const api = helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  const docs = helmet({
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], frameAncestors: ["'none'"] } },
  });
  return (req, res, next) => (req.path.startsWith('/docs') ? docs : api)(req, res, next);
}

export function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parley API')
      .setDescription(
        'Messaging backend: REST under /v1 plus Socket.IO at /socket.io (auth: `{ auth: { token } }`). ' +
          'Every error is `{ "error": { code, message, details?, requestId } }`.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  documentEveryRouteLimitedAndFallible(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Any route may answer 429 (its rate limit) and 503 (a dependency down); say so on each. */
function documentEveryRouteLimitedAndFallible(document: OpenAPIObject): void {
  const envelope = { $ref: '#/components/schemas/ErrorEnvelopeDto' };
  const extra: NonNullable<OpenAPIObject['paths'][string]['get']>['responses'] = {
    '429': {
      description: 'RATE_LIMITED: too many requests for this class of route; see Retry-After and the RateLimit-* headers',
      headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
      content: { 'application/json': { schema: envelope } },
    },
    '503': { description: 'UNAVAILABLE: a dependency is down or busy; retry shortly', content: { 'application/json': { schema: envelope } } },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    // Health checks are never limited, and answer 503 only as documented on them.
    if (path.startsWith('/health/')) continue;
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses = { ...extra, ...operation.responses };
    }
  }
}
