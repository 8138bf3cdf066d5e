import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../src/config/config';
import { prepareDatabase } from '../src/bootstrap';
import { startApp, TestApp } from './support/app';
import { registerUser, RegisteredUser } from './support/factories';
import {
  AppLogCapture,
  answeredBetween,
  captureAppLogs,
  checkStored,
  countByKind,
  dependencyLines,
  loadStored,
  MessageLoad,
  OutageProbes,
  recoveryMs,
  report,
  resendUnacknowledged,
  runOutage,
  Sample,
  SendRecord,
  until,
  violations,
} from './support/outage-load';
import { OwnPostgres, startOwnPostgres } from './support/own-postgres';
import { PausableProxy, startPausableProxy } from './support/pausable-proxy';

/**
 * PostgreSQL frozen (a proxy that holds every byte) and crashed (pg_ctl stop -m immediate) under
 * load, against an app with the production timeouts (statement 2 s, connect 2 s) on a cluster of
 * the test's own. While it is away: every call answers within the timeouts, 503 UNAVAILABLE
 * where PostgreSQL is needed, never 500; readiness is 503 naming postgres; once it is back the
 * same process serves everything again by itself, and no acknowledged message is lost.
 */
describe('PostgreSQL outage under load (e2e)', () => {
  const OUTAGE_MS = 4000;
  const DATABASE = 'parley_outage_test';
  let pg: OwnPostgres;
  let proxy: PausableProxy;
  let t: TestApp;
  let logs: AppLogCapture;
  let users: RegisteredUser[];
  let conversationId: string;
  const allSends: SendRecord[] = [];
  const summaries: string[] = [];

  /** A query straight to the cluster (not through the proxy), on a connection of its own. */
  async function direct(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    const client = new Client({ connectionString: pg.databaseUrl(DATABASE) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    // Dependency lines, and anything logged at error level or above (an unexpected error).
    logs = captureAppLogs((raw) => raw.includes('"context":"Dependencies"') || /^\{"level":(50|60),/.test(raw));
    pg = await startOwnPostgres();
    const url = pg.databaseUrl(DATABASE);
    await prepareDatabase(loadConfig({ DATABASE_URL: url }));
    proxy = await startPausableProxy(pg.port);
    t = await startApp({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/${DATABASE}`,
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? 'parley_test:'}outage_pg_${randomBytes(3).toString('hex')}:`,
      LOG_LEVEL: 'info',
      // The load sends faster than a person: the send bucket is not what is under test.
      WS_SEND_RATE_PER_SECOND: '1000',
    });
    users = await Promise.all(Array.from({ length: 7 }, () => registerUser(t.url)));
    const [owner, ...others] = users;
    const res = await fetch(`${t.url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'outage', memberIds: others.map((u) => u.id) }),
    });
    expect(res.status).toBe(201);
    conversationId = ((await res.json()) as { id: string }).id;
  }, 60000);

  afterAll(async () => {
    console.log(`PostgreSQL outage summary\n${summaries.join('\n')}`);
    await t?.close();
    await proxy?.close();
    await pg?.close();
    logs?.stop();
  });

  async function scenario(name: 'pause' | 'stop', down: () => Promise<void>, up: () => Promise<void>): Promise<void> {
    const [s0, s1, s2, wsSender, r0, r1, prober] = users;
    const load = new MessageLoad({ url: t.url, conversationId, restSenders: [s0, s1, s2], readers: [r0, r1], socketSender: wsSender, tag: `${name}-${randomBytes(3).toString('hex')}` });
    const probes = new OutageProbes({ url: t.url, readyEveryMs: 250, connectAs: prober, typing: { user: prober, conversationId }, everyMs: 300 });
    // Recovered without a restart: readiness, REST sends and reads, socket sends and typing (all need PostgreSQL) succeed again.
    const { startedAt, downCalledAt, downAt, upCalledAt, upAt, endedAt, samples } = await runOutage({
      load,
      probes,
      down,
      up,
      outageMs: OUTAGE_MS,
      recovered: (since) =>
        recoveryMs(probes.samples, 'ready', since) !== undefined &&
        recoveryMs(probes.samples, 'ws.typing', since) !== undefined &&
        ['rest.send', 'rest.read', 'ws.send'].every((k) => recoveryMs(load.samples, k, since) !== undefined),
    });
    allSends.push(...load.sends);

    // Calls made and answered while PostgreSQL was away.
    const within = samples.filter((s) => s.at >= downAt && s.at + s.ms <= upCalledAt);
    const ofKind = (kind: string) => within.filter((s) => s.kind === kind);
    // Refusals answered during the outage, whenever the call was made (a call waits up to the
    // 2.5 s query timeout on a frozen server: few are made and answered within 4 s).
    const answeredDuring = (kind: string) => answeredBetween(samples, downAt, upCalledAt, kind);

    // The database holds every acknowledged message once, seqs gapless; then unacknowledged sends
    // retried (as a client would) are stored once as well.
    let inDb = await loadStored(direct, conversationId);
    const lostOrDoubled = checkStored(allSends, inDb.rows, inDb.lastSeq);
    const retrySamples: Sample[] = [];
    const retried = await resendUnacknowledged(t.url, conversationId, load.sends, retrySamples);
    inDb = await loadStored(direct, conversationId);
    const afterRetry = checkStored(allSends, inDb.rows, inDb.lastSeq);

    // The monitor probes every 2 s: its line for the way back may come a moment after the app is back.
    const lastLine = () => dependencyLines(logs, 'postgres', startedAt, Date.now() + 1).at(-1);
    await until('the monitor logs postgres back', () => lastLine()?.msg !== 'postgres is down', 5000).catch(() => undefined);
    const linesUntil = Date.now() + 1;
    const postgresLines = dependencyLines(logs, 'postgres', startedAt, linesUntil);
    const redisLines = dependencyLines(logs, 'redis', startedAt, linesUntil);
    const errorLines = logs.lines.filter((l) => l.level >= 50 && l.context !== 'Dependencies' && l.time >= startedAt && l.time <= endedAt);
    summaries.push(
      report(`postgres ${name}`, samples, { from: downAt, to: upCalledAt }, {
        downTookMs: downAt - downCalledAt,
        outageMs: upCalledAt - downAt,
        upTookMs: upAt - upCalledAt,
        recoveryMs: {
          ready: recoveryMs(probes.samples, 'ready', upAt),
          restSend: recoveryMs(load.samples, 'rest.send', upAt),
          restRead: recoveryMs(load.samples, 'rest.read', upAt),
          wsSend: recoveryMs(load.samples, 'ws.send', upAt),
          wsTyping: recoveryMs(probes.samples, 'ws.typing', upAt),
        },
        sends: load.sends.length,
        acknowledged: load.sends.filter((s) => s.acked).length,
        answeredDuringOutage: countByKind(within),
        retriedUnacknowledged: retried,
        logLines: postgresLines.map((l) => ({ msg: l.msg, atMs: l.time - downAt, level: l.level, ...(l.downForMs !== undefined ? { downForMs: l.downForMs } : {}) })),
        errorLogLines: errorLines.map((l) => l.msg),
      }),
    );

    // No 500, no hang, nothing slow; refusals in the envelope.
    expect(violations([...samples, ...retrySamples])).toEqual([]);
    // Readiness names postgres while it is down.
    expect(answeredDuring('ready').filter((s) => s.outcome === '503').length).toBeGreaterThan(0);
    for (const s of ofKind('ready')) expect({ outcome: s.outcome, names: s.note }).toEqual({ outcome: '503', names: 'postgres' });
    // What needs PostgreSQL is refused with 503 UNAVAILABLE, never acknowledged.
    for (const kind of ['rest.send', 'ws.send']) {
      expect(answeredDuring(kind).filter((s) => s.outcome === '503' || s.outcome === 'UNAVAILABLE').length).toBeGreaterThan(0);
      expect(ofKind(kind).filter((s) => s.ok)).toEqual([]);
    }
    // Nothing acknowledged was lost or stored twice; seqs gapless.
    expect(lostOrDoubled).toEqual([]);
    expect(afterRetry).toEqual([]);
    expect(redisLines).toEqual([]);
    expect(errorLines).toEqual([]);
    // One line for going down, one for coming back: the monitor probes every 2 s and gives a
    // probe 1 s, so a 4 s freeze is always noticed.
    const messages = postgresLines.map((l) => l.msg);
    expect(messages).toEqual(['postgres is down', 'postgres is back']);
    expect(postgresLines[0].time).toBeGreaterThanOrEqual(downCalledAt);
    expect(postgresLines[1].time).toBeGreaterThanOrEqual(upCalledAt);
  }

  it('answers within the timeouts while PostgreSQL is frozen (proxy paused) for 4 s, and recovers by itself', async () => {
    await scenario(
      'pause',
      () => Promise.resolve(proxy.pause()),
      () => Promise.resolve(proxy.resume()),
    );
  }, 45000);

  it('leaves no connection inside a transaction a freeze cut short: what is acknowledged afterwards is committed', async () => {
    const [owner, ...others] = users;
    const auth = { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' };
    const groups: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await fetch(`${t.url}/v1/conversations`, { method: 'POST', headers: auth, body: JSON.stringify({ name: `frozen ${i}`, memberIds: [others[0].id] }) });
      groups.push(((await res.json()) as { id: string }).id);
    }
    proxy.pause();
    // Transactions (renames) caught by the freeze: each answers 503 after the read timeout.
    const caught = await Promise.all(
      groups.map((id, i) => fetch(`${t.url}/v1/conversations/${id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ name: `renamed ${i}` }) }).then((r) => r.status)),
    );
    proxy.resume();
    expect(caught.every((s) => s === 503 || s === 200)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const stuck = await direct(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'parley' AND state LIKE 'idle in transaction%'`, []);
    expect(stuck).toEqual([{ n: 0 }]);
    // Sends acknowledged now are committed: visible at once to another connection.
    const tag = randomBytes(3).toString('hex');
    for (let i = 0; i < 12; i += 1) {
      const res = await fetch(`${t.url}/v1/conversations/${conversationId}/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ content: `after ${i}`, clientMessageId: `after-${tag}-${i}` }) });
      expect(res.status).toBe(201);
    }
    const stored = await direct(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND client_message_id LIKE $2`, [conversationId, `after-${tag}-%`]);
    expect(stored).toEqual([{ n: 12 }]);
  }, 45000);

  it('answers within the timeouts while PostgreSQL is crashed (stop -m immediate) for 4 s, and recovers by itself', async () => {
    await scenario(
      'stop',
      () => pg.stop(),
      () => pg.start(),
    );
  }, 45000);
});
