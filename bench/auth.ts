/**
 * Password-hashing benchmark: the cost of one argon2id hash, and registrations per second
 * through the API, with the configured parameters (OWASP's 19 MiB, t=2, p=1) beside the
 * library defaults used before (64 MiB, t=3, p=4) measured in the same run; then a login
 * flood against the bounded hashing queue (how many are refused with 503, how long the
 * rest wait).
 *
 *   npm run bench:auth -- --users 200 --concurrency 8 --hashes 20
 */
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { ChildProcess } from 'node:child_process';
import { createScratchDatabase, deleteRedisKeys, dropDatabase, parseOptions, spawnApi, stopProcess, summary } from './support';

const options = parseOptions({ users: 200, concurrency: 8, hashes: 20, flood: 64, port: 3997 });

const PARAMETER_SETS = [
  { name: 'before: argon2 defaults 64 MiB, t=3, p=4', memoryKib: 65536, iterations: 3, parallelism: 4 },
  { name: 'now: OWASP 19 MiB, t=2, p=1 (default)', memoryKib: 19456, iterations: 2, parallelism: 1 },
];

async function timeHashes(p: (typeof PARAMETER_SETS)[number]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < options.hashes; i += 1) {
    const started = performance.now();
    await argon2.hash(`password-${i}`, { type: argon2.argon2id, memoryCost: p.memoryKib, timeCost: p.iterations, parallelism: p.parallelism });
    times.push(performance.now() - started);
  }
  return times;
}

async function post(port: number, path: string, body: unknown): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

/** `total` calls of `one(i)`, `concurrency` at a time. */
async function pool<T>(total: number, concurrency: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next;
        next += 1;
        out.push(await one(i));
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  console.log(`argon2id hash, ${options.hashes} sequential hashes each:`);
  for (const p of PARAMETER_SETS) console.log(`  ${p.name.padEnd(44)} ${summary(await timeHashes(p))}`);

  const db = `parley_bench_auth_${randomBytes(4).toString('hex')}`;
  const url = await createScratchDatabase(db);
  const results: string[] = [];
  try {
    for (const [i, p] of PARAMETER_SETS.entries()) {
      const prefix = `parley_bench_auth_${i}_${randomBytes(3).toString('hex')}:`;
      let api: ChildProcess | null = null;
      try {
        api = await spawnApi({
          port: options.port,
          url,
          redisPrefix: prefix,
          env: {
            PASSWORD_HASH_MEMORY_KIB: String(p.memoryKib),
            PASSWORD_HASH_ITERATIONS: String(p.iterations),
            PASSWORD_HASH_PARALLELISM: String(p.parallelism),
            PASSWORD_HASH_QUEUE: '10000',
            RATE_LIMIT_AUTH_PER_MINUTE: '100000',
          },
        });
        const started = performance.now();
        const answers = await pool(options.users, options.concurrency, (n) =>
          post(options.port, '/v1/auth/register', { username: `b${i}_${n}_${randomBytes(3).toString('hex')}`, email: `b${i}_${n}_${randomBytes(3).toString('hex')}@bench.test`, password: 'correct horse battery' }),
        );
        const seconds = (performance.now() - started) / 1000;
        const ok = answers.filter((a) => a.status === 201).length;
        results.push(
          `  ${p.name.padEnd(44)} ${(ok / seconds).toFixed(1).padStart(6)} registrations/s  (${ok}/${options.users} in ${seconds.toFixed(1)} s; 1,000 would take ${(1000 / (ok / seconds)).toFixed(0)} s)  latency ${summary(answers.map((a) => a.ms))}`,
        );
      } finally {
        if (api) await stopProcess(api);
        await deleteRedisKeys(prefix);
      }
    }
    console.log(`\nregistrations through the API (one process, ${options.concurrency} at a time, ${options.users} users):`);
    for (const line of results) console.log(line);

    // The flood: every login at once against the default bound (2 hashing, 32 waiting).
    const prefix = `parley_bench_auth_flood_${randomBytes(3).toString('hex')}:`;
    let api: ChildProcess | null = null;
    try {
      api = await spawnApi({ port: options.port, url, redisPrefix: prefix, env: { RATE_LIMIT_AUTH_PER_MINUTE: '100000', LOGIN_FAILURES_PER_IP_AND_NAME: '10000' } });
      const user = { username: `flood_${randomBytes(3).toString('hex')}`, email: `flood_${randomBytes(3).toString('hex')}@bench.test`, password: 'correct horse battery' };
      await post(options.port, '/v1/auth/register', user);
      const answers = await Promise.all(Array.from({ length: options.flood }, () => post(options.port, '/v1/auth/login', { login: user.username, password: user.password })));
      const by = (s: number) => answers.filter((a) => a.status === s);
      console.log(`\nlogin flood: ${options.flood} logins at once, PASSWORD_HASH_CONCURRENCY=2, PASSWORD_HASH_QUEUE=32:`);
      console.log(`  200: ${by(200).length}  latency ${summary(by(200).map((a) => a.ms))}`);
      console.log(`  503: ${by(503).length}  latency ${summary(by(503).map((a) => a.ms))}`);
      console.log(`  other: ${answers.length - by(200).length - by(503).length}`);
    } finally {
      if (api) await stopProcess(api);
      await deleteRedisKeys(prefix);
    }
  } finally {
    await dropDatabase(db);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
