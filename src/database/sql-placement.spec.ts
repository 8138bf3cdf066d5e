import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Statement openings that only SQL has (upper case, as every statement here is written). */
const SQL = /\b(SELECT\s|INSERT\s+INTO\s|DELETE\s+FROM\s|UPDATE\s+[a-z_]+\s+SET\s)/;

/** Where SQL may be written: a repository (`*.repository.ts`) or database/ itself. */
function mayHoldSql(path: string): boolean {
  return path.endsWith('.repository.ts') || path.startsWith('database/');
}

/** Files under `root` (relative paths) holding SQL where they should not; specs are exempt. */
function sqlOutsideRepositories(files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([path, text]) => !path.endsWith('.spec.ts') && !mayHoldSql(path) && SQL.test(text))
    .map(([path]) => path)
    .sort();
}

function sources(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = join(entry.parentPath, entry.name);
    out[relative(root, full)] = readFileSync(full, 'utf8');
  }
  return out;
}

describe('SQL lives only in repositories', () => {
  it('finds SQL in a handler, a controller or plumbing, and accepts it in a repository', () => {
    expect(
      sqlOutsideRepositories({
        'modules/x/commands/do/do.handler.ts': 'await db.rows(`SELECT id FROM x WHERE id = $1`, [id]);',
        'modules/x/http/x.controller.ts': "run('DELETE FROM x WHERE id = $1')",
        'common/thing.ts': 'const q = `UPDATE outbox SET processed_at = now()`;',
        'modules/x/repositories/x.repository.ts': '`INSERT INTO x (id) VALUES ($1)`',
        'database/migrate.ts': '`SELECT 1`',
        'modules/x/domain/words.ts': '// Select what you need; nothing here is a statement.',
      }),
    ).toEqual(['common/thing.ts', 'modules/x/commands/do/do.handler.ts', 'modules/x/http/x.controller.ts']);
  });

  it('holds for Parley', () => {
    expect(sqlOutsideRepositories(sources(join(__dirname, '..')))).toEqual([]);
  });
});
