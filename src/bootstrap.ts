import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { jsonOnlyMiddleware } from './common/http/json-only.middleware';
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
  // Order matters: the request id must exist before body parsing can fail.
  app.use(requestIdMiddleware);
  app.use(jsonOnlyMiddleware);
  app.useBodyParser('json', { limit: '256kb', type: ['application/json', 'application/*+json'] });
  app.enableCors({ origin: config.http.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-Sync-As-Of'] });
  app.useWebSocketAdapter(new ParleyIoAdapter(app, config));
  setupSwagger(app);
  return app;
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
