import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { prepareDatabase } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { migrations } from '../migrations';
import { ADMIN_DATABASE_URL, assertTestDatabase, databaseUrl, uniqueName } from './support/test-env';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

const SCHEMA_SQL = `
  SELECT 'column' AS kind, table_name || '.' || column_name AS name, data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS def
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL
  SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT 'constraint', conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  ORDER BY 1, 2`;

describe('database bootstrap (e2e)', () => {
  const name = uniqueName('parley_mig_test');
  const url = databaseUrl(name);
  afterAll(async () => {
    await query(ADMIN_DATABASE_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('creates the database and migrates exactly once when two processes start at the same time', async () => {
    assertTestDatabase(url);
    const config = loadConfig({ DATABASE_URL: url });
    const [first, second] = await Promise.all([prepareDatabase(config), prepareDatabase(config)]);
    expect([...first, ...second].sort()).toEqual(migrations.map((m) => m.name).sort());
    const rows = await query<{ name: string }>(url, 'SELECT name FROM migrations');
    expect(rows).toHaveLength(migrations.length);
    expect(await prepareDatabase(config)).toEqual([]);
  });

  it('reverts every migration exactly: down then up leaves the same schema, down to nothing leaves no tables', async () => {
    const config = loadConfig({ DATABASE_URL: url });
    const before = await query(url, SCHEMA_SQL);
    const ds = new DataSource({ ...dataSourceOptions(config), extra: { max: 1 } });
    await ds.initialize();
    try {
      for (let i = 0; i < migrations.length; i += 1) await ds.undoLastMigration();
      const tables = await query<{ table_name: string }>(
        url,
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
      );
      expect(tables).toEqual([]);
      await ds.runMigrations();
    } finally {
      await ds.destroy();
    }
    expect(await query(url, SCHEMA_SQL)).toEqual(before);
  });

  it('enforces identity rules in the database itself', async () => {
    const id = '0190c7c0-0000-7000-8000-0000000000aa';
    await query(url, `INSERT INTO users (id, username, email, display_name, password_hash) VALUES ('${id}', 'dbrule', 'd@x.test', 'D', 'h')`);
    await expect(query(url, `INSERT INTO users (id, username, email, display_name, password_hash) VALUES (gen_random_uuid(), 'DBRULE', 'e@x.test', 'D', 'h')`)).rejects.toThrow(/username/);
    await expect(query(url, `INSERT INTO users (id, username, email, display_name, password_hash) VALUES (gen_random_uuid(), 'other', 'D@X.TEST', 'D', 'h')`)).rejects.toThrow(/users_email_lower_key/);
    await expect(query(url, `INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ('${id}', '${id}')`)).rejects.toThrow(/user_blocks_not_self/);
    await expect(query(url, `INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ('${id}', gen_random_uuid())`)).rejects.toThrow(/foreign key/);
    await expect(query(url, `UPDATE users SET role = 'root' WHERE id = '${id}'`)).rejects.toThrow(/users_role_valid/);
  });
});
