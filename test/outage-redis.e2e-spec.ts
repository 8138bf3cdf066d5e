import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
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
  Query,
  recoveryMs,
  report,
  resendUnacknowledged,
  runOutage,
  Sample,
  SendRecord,
  until,
  violations,
} from './support/outage-load';
import { OwnRedis, startOwnRedis } from './support/own-redis';

/**
 * Redis frozen (SIGSTOP) and killed under load, against an app with the production command
 * timeout (1 s). While Redis is away: REST keeps working (sessions are checked in PostgreSQL,
 * rate limits counted in-process), handshakes are refused with UNAVAILABLE (presence needs
 * Redis), readiness is 503 naming redis; nothing answers 500 or hangs; once Redis is back the
 * same process serves everything again by itself, and no acknowledged message is lost.
 */
describe('Redis outage under load (e2e)', () => {
  const OUTAGE_MS = 4000;
  let redis: OwnRedis;
  let t: TestApp;
  let db: DataSource;
  let logs: AppLogCapture;
  let users: RegisteredUser[];
  let conversationId: string;
  const allSends: SendRecord[] = [];
  const summaries: string[] = [];

  beforeAll(async () => {
    // Dependency lines, and anything logged at error level or above (an unexpected error).
    logs = captureAppLogs((raw) => raw.includes('"context":"Dependencies"') || /^\{"level":(50|60),/.test(raw));
    redis = await startOwnRedis();
    t = await startApp({
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      REDIS_FALLBACK_AFTER_MS: '250',
      REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? 'parley_test:'}outage_redis_${randomBytes(3).toString('hex')}:`,
      LOG_LEVEL: 'info',
      // The load sends faster than a person: the send bucket is not what is under test.
      WS_SEND_RATE_PER_SECOND: '1000',
    });
    db = t.app.get(DataSource);
    users = await Promise.all(Array.from({ length: 7 }, () => registerUser(t.url)));
    const [owner, ...others] = users;
    const res = await fetch(`${t.url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'outage', memberIds: others.map((u) => u.id) }),
    });
    expect(res.status).toBe(201);
    conversationId = ((await res.json()) as { id: string }).id;
  });

  afterAll(async () => {
    console.log(`Redis outage summary\n${summaries.join('\n')}`);
    await t?.close();
    await redis?.close();
    logs?.stop();
  });

  async function scenario(name: 'pause' | 'kill', down: () => Promise<void>, up: () => Promise<void>): Promise<void> {
    const [s0, s1, s2, wsSender, r0, r1, prober] = users;
    const load = new MessageLoad({ url: t.url, conversationId, restSenders: [s0, s1, s2], readers: [r0, r1], socketSender: wsSender, tag: `${name}-${randomBytes(3).toString('hex')}` });
    const probes = new OutageProbes({ url: t.url, readyEveryMs: 250, connectAs: prober, typing: { user: prober, conversationId }, everyMs: 300 });
    // Recovered without a restart: readiness, a handshake and a typing event (all need Redis) succeed again.
    const { startedAt, downCalledAt, downAt, upCalledAt, upAt, endedAt, samples } = await runOutage({
      load,
      probes,
      down,
      up,
      outageMs: OUTAGE_MS,
      recovered: (since) => ['ready', 'ws.connect', 'ws.typing'].every((k) => recoveryMs(probes.samples, k, since) !== undefined) && recoveryMs(load.samples, 'ws.send', since) !== undefined,
    });
    allSends.push(...load.sends);

    // Calls made and answered while Redis was away.
    const within = samples.filter((s) => s.at >= downAt && s.at + s.ms <= upCalledAt);
    const ofKind = (kind: string) => within.filter((s) => s.kind === kind);
    const figures = {
      downTookMs: downAt - downCalledAt,
      outageMs: upCalledAt - downAt,
      upTookMs: upAt - upCalledAt,
      recoveryMs: {
        ready: recoveryMs(probes.samples, 'ready', upAt),
        wsConnect: recoveryMs(probes.samples, 'ws.connect', upAt),
        wsTyping: recoveryMs(probes.samples, 'ws.typing', upAt),
        wsSend: recoveryMs(load.samples, 'ws.send', upAt),
      },
      sends: load.sends.length,
      acknowledged: load.sends.filter((s) => s.acked).length,
      answeredDuringOutage: countByKind(within),
    };

    // The database holds every acknowledged message once, seqs gapless; then unacknowledged sends
    // retried (as a client would) are stored once as well.
    const query: Query = (sql, params) => db.query(sql, params);
    let inDb = await loadStored(query, conversationId);
    const lostOrDoubled = checkStored(allSends, inDb.rows, inDb.lastSeq);
    const retrySamples: Sample[] = [];
    const retried = await resendUnacknowledged(t.url, conversationId, load.sends, retrySamples);
    inDb = await loadStored(query, conversationId);
    const afterRetry = checkStored(allSends, inDb.rows, inDb.lastSeq);

    // The monitor probes every 2 s: its line for the way back may come a moment after the app is back.
    const lastLine = () => dependencyLines(logs, 'redis', startedAt, Date.now() + 1).at(-1);
    await until('the monitor logs redis back', () => lastLine()?.msg !== 'redis is down', 5000).catch(() => undefined);
    const linesUntil = Date.now() + 1;
    const redisLines = dependencyLines(logs, 'redis', startedAt, linesUntil);
    const postgresLines = dependencyLines(logs, 'postgres', startedAt, linesUntil);
    const errorLines = logs.lines.filter((l) => l.level >= 50 && l.context !== 'Dependencies' && l.time >= startedAt && l.time <= endedAt);
    summaries.push(
      report(`redis ${name}`, samples, { from: downAt, to: upCalledAt }, {
        ...figures,
        retriedUnacknowledged: retried,
        logLines: redisLines.map((l) => ({ msg: l.msg, atMs: l.time - downAt, level: l.level, ...(l.downForMs !== undefined ? { downForMs: l.downForMs } : {}) })),
        errorLogLines: errorLines.length,
      }),
    );

    // No 500, no hang, nothing slow; refusals in the envelope.
    expect(violations([...samples, ...retrySamples])).toEqual([]);
    // Readiness says redis is down while it is, and handshakes are refused with UNAVAILABLE
    // (a handshake waits on a frozen Redis three times over: few fit in the outage, so those
    // answered during it count, whenever they were made).
    const answeredDuring = (kind: string) => answeredBetween(samples, downAt, upCalledAt, kind);
    expect(answeredDuring('ready').filter((s) => s.outcome === '503').length).toBeGreaterThan(0);
    for (const s of ofKind('ready')) expect({ outcome: s.outcome, names: s.note }).toEqual({ outcome: '503', names: 'redis' });
    expect(answeredDuring('ws.connect').filter((s) => s.outcome === 'UNAVAILABLE').length).toBeGreaterThan(0);
    for (const s of ofKind('ws.connect')) expect(s.outcome).toBe('UNAVAILABLE');
    // REST keeps working on PostgreSQL alone, and so do socket sends on an open socket.
    expect(ofKind('rest.send').length).toBeGreaterThan(0);
    expect(ofKind('rest.send').filter((s) => !s.ok)).toEqual([]);
    expect(ofKind('rest.read').filter((s) => !s.ok)).toEqual([]);
    expect(ofKind('ws.send').filter((s) => !s.ok)).toEqual([]);
    // Nothing acknowledged was lost or stored twice; seqs gapless.
    expect(lostOrDoubled).toEqual([]);
    expect(afterRetry).toEqual([]);
    // One line for going down, one for coming back.
    expect(redisLines.map((l) => l.msg)).toEqual(['redis is down', 'redis is back']);
    expect(redisLines[0].time).toBeGreaterThanOrEqual(downCalledAt);
    expect(redisLines[1].time).toBeGreaterThanOrEqual(upCalledAt);
    expect(postgresLines).toEqual([]);
    expect(errorLines).toEqual([]);
  }

  it('answers within the timeout while Redis is frozen (SIGSTOP) for 4 s, and recovers by itself', async () => {
    await scenario(
      'pause',
      () => redis.pause(),
      () => redis.resume(),
    );
  }, 45000);

  it('answers within the timeout while Redis is killed for 4 s, and recovers by itself on an empty Redis', async () => {
    await scenario(
      'kill',
      () => redis.stop(),
      () => redis.start(),
    );
  }, 45000);
});
