import request from 'supertest';
import { expectError, freshUsername, registerUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { uniqueName } from './support/test-env';

describe('auth rate limits (e2e)', () => {
  // Two API processes' worth of apps sharing one Redis namespace, limit 3 per minute.
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = {
      RATE_LIMIT_AUTH_PER_MINUTE: '3',
      LOGIN_FAILURES_PER_IP_AND_NAME: '3',
      LOGIN_SLOWDOWN_AFTER_FAILURES: '100',
      REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('rl')}:`,
      TRUST_PROXY: 'true',
    };
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a name from an address after its failures there (across processes), without locking the real user out', async () => {
    const victim = await registerUser(a.url);
    const attempt = (app: TestApp, ip: string, password = 'wrong password') =>
      request(app.url).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ login: victim.username, password });
    // The attacker's address: three failures, on either process, then 429 with Retry-After for that pair.
    expect((await attempt(a, '10.0.0.1')).status).toBe(401);
    expect((await attempt(b, '10.0.0.1')).status).toBe(401);
    expect((await attempt(a, '10.0.0.1')).status).toBe(401);
    const limited = await attempt(b, '10.0.0.1', victim.password);
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(60);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // The same name from another address is not affected, and the real user still gets in.
    expect((await attempt(a, '10.0.0.2')).status).toBe(401);
    expect((await attempt(b, '10.0.0.3', victim.password)).status).toBe(200);
  });

  it('slows a name under attack from many addresses down instead of refusing it', async () => {
    const c = await startApp({ LOGIN_SLOWDOWN_AFTER_FAILURES: '4', LOGIN_FAILURES_PER_IP_AND_NAME: '100', TRUST_PROXY: 'true', REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('rl')}:` });
    try {
      const victim = await registerUser(c.url);
      const attempt = (ip: string, password = 'wrong password') => request(c.url).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ login: victim.username, password });
      const timed = async (ip: string, password?: string) => {
        const started = Date.now();
        const res = await attempt(ip, password);
        return { status: res.status, ms: Date.now() - started };
      };
      const quick = await timed('10.9.0.1');
      for (let i = 2; i <= 8; i += 1) expect((await attempt(`10.9.0.${i}`)).status).toBe(401);
      // 8 failures, 4 past the threshold: held 3 s before the password is checked, then answered as usual.
      const slowed = await timed('10.9.1.1', victim.password);
      expect(slowed.status).toBe(200);
      expect(slowed.ms).toBeGreaterThanOrEqual(2900);
      expect(quick.ms).toBeLessThan(1500);
      // The success cleared the name's failures.
      expect((await timed('10.9.1.2', victim.password)).ms).toBeLessThan(1500);
    } finally {
      await c.close();
    }
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
