import Redis from 'ioredis';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.PARLEY_TEST_DATABASE_URL;
  if (url) {
    const name = new URL(url).pathname.slice(1);
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  const prefix = process.env.PARLEY_TEST_REDIS_PREFIX;
  if (prefix && process.env.PARLEY_TEST_REDIS_URL) {
    const redis = new Redis(process.env.PARLEY_TEST_REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}
