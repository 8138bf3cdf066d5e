import request from 'supertest';
import { expectError, freshUsername, registerUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { uniqueName } from './support/test-env';

describe('auth rate limits (e2e)', () => {
  // Two API processes' worth of apps sharing one Redis namespace, limit 3 per minute.
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { RATE_LIMIT_AUTH_PER_MINUTE: '3', REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('rl')}:`, TRUST_PROXY: 'true' };
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('limits login per name across IPs and processes, with 429 RATE_LIMITED and Retry-After', async () => {
    const login = freshUsername('victim');
    const attempt = (app: TestApp, ip: string) =>
      request(app.url).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ login, password: 'wrong password' });
    expect((await attempt(a, '10.0.0.1')).status).toBe(401);
    expect((await attempt(b, '10.0.0.2')).status).toBe(401);
    expect((await attempt(a, '10.0.0.3')).status).toBe(401);
    const limited = await attempt(b, '10.0.0.4');
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another name from a fresh address is not affected.
    expect((await request(a.url).post('/v1/auth/login').set('X-Forwarded-For', '10.0.0.5').send({ login: freshUsername('x'), password: 'wrong password' })).status).toBe(401);
  });

  it('stores no bogus forwarded address and never fails on one', async () => {
    const u = await registerUser(a.url);
    for (const ip of ['not-an-ip', '1.2.3.4%eth0', '']) {
      const res = await request(a.url).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ login: u.username, password: u.password });
      expect(res.status).toBe(200);
    }
  });

  it('limits register per IP', async () => {
    const ip = '10.1.0.1';
    const register = (app: TestApp) => {
      const username = freshUsername('rl');
      return request(app.url).post('/v1/auth/register').set('X-Forwarded-For', ip).send({ username, email: `${username}@example.test`, password: 'password123' });
    };
    expect((await register(a)).status).toBe(201);
    expect((await register(b)).status).toBe(201);
    expect((await register(a)).status).toBe(201);
    expectError(await register(b), 429, 'RATE_LIMITED');
  });

  it('limits refresh per IP', async () => {
    const ip = '10.2.0.1';
    const u = await registerUser(a.url);
    const refresh = () => request(a.url).post('/v1/auth/refresh').set('X-Forwarded-For', ip).send({ refreshToken: u.refreshToken });
    await refresh();
    await refresh();
    await refresh();
    expectError(await refresh(), 429, 'RATE_LIMITED');
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const c = await startApp({ RATE_LIMIT_AUTH_PER_MINUTE: '2', REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('rl')}:` });
    try {
      const attempt = (ip: string) =>
        request(c.url).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ login: freshUsername('n'), password: 'wrong password' });
      expect((await attempt('10.3.0.1')).status).toBe(401);
      expect((await attempt('10.3.0.2')).status).toBe(401);
      // Spoofed addresses do not buy more attempts: the socket address is what counts.
      expectError(await attempt('10.3.0.3'), 429, 'RATE_LIMITED');
    } finally {
      await c.close();
    }
  });
});
