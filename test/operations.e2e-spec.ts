import request from 'supertest';
import { expectError, registerUser } from './support/factories';
import { startApp, TestApp } from './support/app';

describe('operations and the error envelope (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves /health/live and /health/ready without a token, with both dependencies up', async () => {
    await request(t.url).get('/health/live').expect(200, { status: 'ok' });
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('reports 503 UNAVAILABLE naming Redis when Redis is unreachable', async () => {
    const broken = await startApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await request(broken.url).get('/health/ready');
      expectError(res, 503, 'UNAVAILABLE');
      expect(res.body.error.details).toEqual([{ field: 'redis', message: 'down' }]);
    } finally {
      await broken.close();
    }
  });

  it('echoes a valid X-Request-Id and replaces an invalid one', async () => {
    const ok = await request(t.url).get('/health/live').set('X-Request-Id', 'abc.DEF_1:2-3');
    expect(ok.headers['x-request-id']).toBe('abc.DEF_1:2-3');
    const bad = await request(t.url).get('/v1/users/me').set('X-Request-Id', 'has spaces and <html>');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.body.error.requestId).toBe(bad.headers['x-request-id']);
    const long = await request(t.url).get('/health/live').set('X-Request-Id', 'a'.repeat(129));
    expect(long.headers['x-request-id']).not.toBe('a'.repeat(129));
  });

  it('answers unknown routes with 404 NOT_FOUND in the envelope', async () => {
    expectError(await request(t.url).get('/v1/nothing-here'), 404, 'NOT_FOUND');
    expectError(await request(t.url).delete('/v1/auth/register'), 404, 'NOT_FOUND');
  });

  it('refuses an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.url)
      .post('/v1/auth/login')
      .send({ login: 'x', password: 'y'.repeat(400_000) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('never answers 500 to hostile input', async () => {
    const u = await registerUser(t.url);
    const hostile: [string, string, unknown][] = [
      ['post', '/v1/auth/login', { login: { $ne: null }, password: ['x'] }],
      ['post', '/v1/auth/register', { username: '\u0000\u0000\u0000', email: 'a@b.c', password: '\u0000'.repeat(10) }],
      ['patch', '/v1/users/me', { timezone: '../../etc/passwd' }],
      ['patch', '/v1/users/me', { displayName: { toString: 'x' } }],
      ['patch', '/v1/users/me', JSON.parse('{"__proto__": {"admin": true}}')],
      ['post', '/v1/auth/login', { login: 'ada\u0000', password: 'whatever1' }],
      ['post', '/v1/auth/register', { username: 'nulname', email: 'nul@example.test', password: 'password123', displayName: 'A\u0000B' }],
      ['patch', '/v1/users/me', { displayName: 'A\u0000B' }],
    ];
    for (const [method, path, body] of hostile) {
      const req = method === 'post' ? request(t.url).post(path) : request(t.url).patch(path);
      const res = await req.set('Authorization', `Bearer ${u.accessToken}`).send(body as object);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(res.body)).not.toMatch(/stack|QueryFailedError|SELECT|at [A-Za-z]+ \(/);
    }
    expectError(await request(t.url).post('/v1/auth/refresh').send({ refreshToken: "'; DROP TABLE users; --" }), 401, 'UNAUTHENTICATED');
    const forged = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const path of [
      '/v1/users/%00',
      '/v1/users/%E0%A4%A',
      "/v1/users/1' OR '1'='1",
      '/v1/users?q=%27%22&limit=1e3',
      `/v1/users/me/blocks?cursor=${forged({ t: '1', id: '-'.repeat(36) })}`,
      `/v1/users/me/blocks?cursor=${forged({ t: '99999-01-01', id: '0190c7c0-0000-7000-8000-000000000000' })}`,
      `/v1/users?q=ab&cursor=${forged({ u: 'a\u0000' })}`,
    ]) {
      const res = await request(t.url).get(path).set('Authorization', `Bearer ${u.accessToken}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('publishes the OpenAPI document with every identity endpoint, bearer auth and the error envelope', async () => {
    const res = await request(t.url).get('/docs-json').expect(200);
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/v1/auth/register',
      '/v1/auth/login',
      '/v1/auth/refresh',
      '/v1/auth/logout',
      '/v1/users/me',
      '/v1/users/me/blocks',
      '/v1/users/me/blocks/{userId}',
      '/v1/users',
      '/v1/users/{id}',
      '/health/ready',
    ]) {
      expect(paths).toContain(p);
    }
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(res.body.components.schemas.ErrorEnvelopeDto).toBeDefined();
    const register = res.body.paths['/v1/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema.$ref).toMatch(/RegisterCommand/);
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '429']));
    expect(res.body.components.schemas.RegisterCommand.properties).not.toHaveProperty('meta');
    await request(t.url).get('/docs').expect(200);
  });

  it('sends security headers: nothing may load from an API answer; the Swagger UI loads only its own files', async () => {
    const api = await request(t.url).get('/health/live').expect(200);
    expect(api.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(api.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(api.headers['x-powered-by']).toBeUndefined();
    const docs = await request(t.url).get('/docs').expect(200);
    expect(docs.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('allows any origin without credentials by default, and only the listed ones when CORS_ORIGINS is set', async () => {
    const preflight = (url: string, origin: string) =>
      request(url).options('/v1/users/me').set('Origin', origin).set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');
    const open = await preflight(t.url, 'https://evil.example.test');
    expect(open.headers['access-control-allow-origin']).toBe('*');
    expect(open.headers['access-control-allow-credentials']).toBeUndefined();
    const listed = await startApp({ CORS_ORIGINS: 'https://app.example.test', DOCS_ENABLED: 'false' });
    try {
      expect((await preflight(listed.url, 'https://app.example.test')).headers['access-control-allow-origin']).toBe('https://app.example.test');
      const other = await preflight(listed.url, 'https://evil.example.test');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.headers['access-control-allow-credentials']).toBeUndefined();
      // DOCS_ENABLED=false: no Swagger UI and no OpenAPI document.
      expectError(await request(listed.url).get('/docs-json'), 404, 'NOT_FOUND');
      expectError(await request(listed.url).get('/docs'), 404, 'NOT_FOUND');
    } finally {
      await listed.close();
    }
  });

  it('documents 429 and 503 on every route but the health checks', async () => {
    const res = await request(t.url).get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths['/health/live'].get.responses)).not.toContain('429');
    for (const [path, item] of Object.entries(res.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      if (path.startsWith('/health/')) continue;
      for (const [method, op] of Object.entries(item)) expect({ path, method, codes: Object.keys(op.responses) }).toEqual({ path, method, codes: expect.arrayContaining(['429', '503']) });
    }
  });
});
