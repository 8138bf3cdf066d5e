import { ConfigValidationError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives working local defaults in development', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/parley');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.auth.accessTtlSeconds).toBe(900);
    expect(config.auth.rateLimitPerMinute).toBe(10);
    expect(config.http.trustProxy).toBe(false);
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', RATE_LIMIT_AUTH_PER_MINUTE: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('RATE_LIMIT_AUTH_PER_MINUTE');
  });

  it('requires the JWT secret in production and accepts it when given', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_ACCESS_SECRET/);
    const config = loadConfig({ NODE_ENV: 'production', JWT_ACCESS_SECRET: 'x'.repeat(40) });
    expect(config.auth.accessSecret).toBe('x'.repeat(40));
  });

  it('parses TRUST_PROXY forms', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).http.trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('refuses a drain that would run into the shutdown deadline', () => {
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DRAIN_MS: '5000' })).toThrow(/SHUTDOWN_DRAIN_MS must be less than SHUTDOWN_TIMEOUT_MS/);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DRAIN_MS: '4000' }).shutdownDrainMs).toBe(4000);
  });

  it('checks socket origins against CORS_ORIGINS unless WS_ALLOWED_ORIGINS says otherwise', () => {
    expect(loadConfig({}).realtime.allowedOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.test, https://admin.example.test' }).realtime.allowedOrigins).toEqual([
      'https://app.example.test',
      'https://admin.example.test',
    ]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.test', WS_ALLOWED_ORIGINS: '*' }).realtime.allowedOrigins).toBe('*');
  });
});
