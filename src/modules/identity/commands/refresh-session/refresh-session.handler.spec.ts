import { EventBus } from '@nestjs/cqrs';
import { DataSource, EntityManager } from 'typeorm';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { AppConfig } from '../../../../config/config';
import { ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { newRefreshToken } from '../../domain/refresh-token';
import { SessionIssuer } from '../../domain/session-issuer';
import { SessionRevokedEvent } from '../../events/session-revoked.event';
import { RefreshSessionCommand } from './refresh-session.command';
import { RefreshSessionHandler, TokenRow } from './refresh-session.handler';

type Row = TokenRow;

/** A DataSource whose transaction runs against a recording manager serving one token row. */
function harness(row: Row | undefined) {
  const statements: string[] = [];
  const manager = {
    query: jest.fn((sql: string) => {
      statements.push(sql.replace(/\s+/g, ' ').trim());
      return Promise.resolve(sql.includes('FROM refresh_tokens t') ? (row ? [row] : []) : []);
    }),
  } as unknown as EntityManager;
  const dataSource = { transaction: (fn: (m: EntityManager) => Promise<unknown>) => fn(manager) } as unknown as DataSource;
  const issued = { accessToken: 'access', refreshToken: 'refresh', expiresIn: 900 };
  const sessions = { issue: jest.fn().mockResolvedValue(issued) } as unknown as SessionIssuer;
  const accessTokens = { markSessionsRevoked: jest.fn().mockResolvedValue(undefined) } as unknown as AccessTokenService;
  const events = { publish: jest.fn() } as unknown as EventBus;
  const config = { auth: { refreshReuseGraceSeconds: 10 } } as AppConfig;
  const handler = new RefreshSessionHandler(dataSource, sessions, accessTokens, events, config);
  return { handler, statements, sessions, accessTokens, events, issued };
}


describe('RefreshSessionHandler', () => {
  const token = newRefreshToken();
  const base: Row = {
    id: token.id,
    session_id: '0190c7c0-0000-7000-8000-000000000001',
    token_hash: token.hash,
    expires_at: new Date(Date.now() + 60_000),
    used_at: null,
    used_ms_ago: null,
    revoked_at: null,
    user_id: '0190c7c0-0000-7000-8000-0000000000aa',
    role: 'user',
    banned_at: null,
  };
  const cmd = RefreshSessionCommand.create({ refreshToken: token.token });

  it('rotates a fresh token: marks it used and issues a pair in the same session', async () => {
    const h = harness(base);
    await expect(h.handler.execute(cmd)).resolves.toEqual(h.issued);
    expect(h.statements.some((s) => s.startsWith('UPDATE refresh_tokens SET used_at = now()'))).toBe(true);
    expect(h.sessions.issue).toHaveBeenCalledWith(expect.anything(), { id: base.user_id }, base.session_id);
  });

  it('gives a token rotated a moment ago (another tab of the session) a fresh pair of the same session, leaving it used', async () => {
    const h = harness({ ...base, used_at: new Date(Date.now() - 3000), used_ms_ago: 3000 });
    await expect(h.handler.execute(cmd)).resolves.toEqual(h.issued);
    expect(h.sessions.issue).toHaveBeenCalledWith(expect.anything(), { id: base.user_id }, base.session_id);
    expect(h.statements.some((s) => s.startsWith('UPDATE refresh_tokens'))).toBe(false);
    expect(h.statements.some((s) => s.startsWith('UPDATE sessions SET revoked_at'))).toBe(false);
    expect(h.accessTokens.markSessionsRevoked).not.toHaveBeenCalled();
  });

  it('treats a token used longer ago than the grace as theft: revokes the session, its access tokens, and answers 401', async () => {
    const h = harness({ ...base, used_at: new Date(Date.now() - 11_000), used_ms_ago: 11_000 });
    const err = await appErrorOf(h.handler.execute(cmd));
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(h.statements).toContain('UPDATE sessions SET revoked_at = now() WHERE id = $1');
    expect(h.sessions.issue).not.toHaveBeenCalled();
    expect(h.accessTokens.markSessionsRevoked).toHaveBeenCalledWith([base.session_id]);
    expect(h.events.publish).toHaveBeenCalledWith(new SessionRevokedEvent(base.user_id, base.session_id, 'token_reuse'));
  });

  it.each([
    ['expired', { expires_at: new Date(Date.now() - 1000) }],
    ['of a revoked session', { revoked_at: new Date() }],
    ['of a banned user', { banned_at: new Date() }],
    ['with a wrong secret', { token_hash: newRefreshToken().hash }],
  ])('refuses a token %s without issuing or revoking anything', async (_name, patch) => {
    const h = harness({ ...base, ...patch });
    expect((await appErrorOf(h.handler.execute(cmd))).code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(h.sessions.issue).not.toHaveBeenCalled();
    expect(h.statements.some((s) => s.startsWith('UPDATE'))).toBe(false);
  });

  it('refuses an unknown or malformed token', async () => {
    expect((await appErrorOf(harness(undefined).handler.execute(cmd))).code).toBe(ErrorCode.UNAUTHENTICATED);
    const h = harness(base);
    expect((await appErrorOf(h.handler.execute(RefreshSessionCommand.create({ refreshToken: 'nope' })))).code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(h.statements).toEqual([]);
  });
});
