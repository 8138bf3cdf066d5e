import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

async function depcruise(cwd: string, extra: string[]): Promise<{ stdout: string; exitCode: number }> {
  return run(process.execPath, [CLI, 'src', '--config', CONFIG, ...extra], { cwd, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ stdout: r.stdout, exitCode: 0 }),
    (err: { stdout?: string; code?: number }) => ({ stdout: err.stdout ?? '', exitCode: typeof err.code === 'number' ? err.code : -1 }),
  );
}

/** Runs the boundary check in `cwd`: what it reports (JSON), and the exit code of the run `npm run lint` makes. */
async function cruise(cwd: string): Promise<{ violations: Violation[]; exitCode: number }> {
  const [json, lint] = await Promise.all([depcruise(cwd, ['--output-type', 'json']), depcruise(cwd, [])]);
  const report = JSON.parse(json.stdout) as { summary: { violations: Violation[] } };
  return { violations: report.summary.violations, exitCode: lint.exitCode };
}

describe('module boundaries (the dependency-cruiser rules of npm run lint)', () => {
  it('reports each kind of violation in a fixture, and only those', async () => {
    const { violations, exitCode } = await cruise(join(__dirname, 'fixtures', 'boundaries'));
    expect(exitCode).not.toBe(0);
    const found = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^(\.\.\/)+node_modules\/([^/]+)\/.*$/, 'package $2')}`);
    expect(found.sort()).toEqual([
      'composition-root: src/modules/beta/composition-root.ts -> src/app.module.ts',
      'database-below-common: src/database/query.ts -> src/common/plumbing.ts',
      'faces-from-outside: src/loose.ts -> src/modules/alpha/internal.ts',
      'module-internals: src/modules/beta/into-internals.ts -> src/modules/alpha/internal.ts',
      'module-internals: src/modules/beta/type-into-internals.ts -> src/modules/alpha/internal.ts',
      'plumbing-above-modules: src/common/plumbing.ts -> src/modules/alpha/index.ts',
      'sql-through-db: src/modules/beta/runs-sql.ts -> package typeorm',
    ]);
  });

  it('finds none in Parley itself', async () => {
    const { violations, exitCode } = await cruise(ROOT);
    expect(violations).toEqual([]);
    expect(exitCode).toBe(0);
  });
});
