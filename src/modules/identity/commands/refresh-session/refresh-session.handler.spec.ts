import { EventBus } from '@nestjs/cqrs';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { AppConfig } from '../../../../config/config';
import { Db, Tx } from '../../../../database/db';
import { newRefreshToken } from '../../domain/refresh-token';
import { SessionIssuer } from '../../domain/session-issuer';
import { SessionRevokedEvent } from '../../events/session-revoked.event';
import { RefreshTokenRow, SessionsRepository } from '../../repositories/sessions.repository';
import { RefreshSessionCommand } from './refresh-session.command';
import { RefreshSessionHandler } from './refresh-session.handler';

/** A handler whose repository serves one token row, recording what it was asked to write. */
function harness(row: RefreshTokenRow | undefined) {
  const tx = {} as Tx;
  const db = { transaction: (work: (t: Tx) => Promise<unknown>) => work(tx) } as unknown as Db;
  const tokens = {
    lockRefreshToken: jest.fn().mockResolvedValue(row),
    revoke: jest.fn().mockResolvedValue(undefined),
    markTokenUsed: jest.fn().mockResolvedValue(undefined),
    touch: jest.fn().mockResolvedValue(undefined),
  } as unknown as SessionsRepository & { lockRefreshToken: jest.Mock; revoke: jest.Mock; markTokenUsed: jest.Mock; touch: jest.Mock };
  const issued = { accessToken: 'access', refreshToken: 'refresh', expiresIn: 900 };
  const sessions = { issue: jest.fn().mockResolvedValue(issued) } as unknown as SessionIssuer & { issue: jest.Mock };
  const accessTokens = { markSessionsRevoked: jest.fn().mockResolvedValue(undefined) } as unknown as AccessTokenService & { markSessionsRevoked: jest.Mock };
  const events = { publish: jest.fn() } as unknown as EventBus & { publish: jest.Mock };
  const config = { auth: { refreshReuseGraceSeconds: 10 } } as AppConfig;
  const handler = new RefreshSessionHandler(db, tokens, sessions, accessTokens, events, config);
  return { handler, tokens, sessions, accessTokens, events, issued, tx };
}

describe('RefreshSessionHandler', () => {
  const token = newRefreshToken();
  const base: RefreshTokenRow = {
    id: token.id,
    session_id: '0190c7c0-0000-7000-8000-000000000001',
    token_hash: token.hash,
    expires_at: new Date(Date.now() + 60_000),
    used_at: null,
    used_ms_ago: null,
    revoked_at: null,
    user_id: '0190c7c0-0000-7000-8000-0000000000aa',
    banned_at: null,
  };
  const cmd = RefreshSessionCommand.create({ refreshToken: token.token });

  it('rotates a fresh token: marks it used and issues a pair in the same session', async () => {
    const h = harness(base);
    await expect(h.handler.execute(cmd)).resolves.toEqual(h.issued);
    expect(h.tokens.markTokenUsed).toHaveBeenCalledWith(base.id, h.tx);
    expect(h.tokens.touch).toHaveBeenCalledWith(base.session_id, h.tx);
    expect(h.sessions.issue).toHaveBeenCalledWith(h.tx, base.user_id, base.session_id);
  });

  it('gives a token rotated a moment ago (another tab of the session) a fresh pair of the same session, leaving it used', async () => {
    const h = harness({ ...base, used_at: new Date(Date.now() - 3000), used_ms_ago: 3000 });
    await expect(h.handler.execute(cmd)).resolves.toEqual(h.issued);
    expect(h.sessions.issue).toHaveBeenCalledWith(h.tx, base.user_id, base.session_id);
    expect(h.tokens.markTokenUsed).not.toHaveBeenCalled();
    expect(h.tokens.touch).toHaveBeenCalledWith(base.session_id, h.tx);
    expect(h.tokens.revoke).not.toHaveBeenCalled();
    expect(h.accessTokens.markSessionsRevoked).not.toHaveBeenCalled();
  });

  it('treats a token used longer ago than the grace as theft: revokes the session, its access tokens, and answers 401', async () => {
    const h = harness({ ...base, used_at: new Date(Date.now() - 11_000), used_ms_ago: 11_000 });
    const err = await appErrorOf(h.handler.execute(cmd));
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(h.tokens.revoke).toHaveBeenCalledWith(base.session_id, h.tx);
    expect(h.sessions.issue).not.toHaveBeenCalled();
    expect(h.accessTokens.markSessionsRevoked).toHaveBeenCalledWith([base.session_id]);
    expect(h.events.publish).toHaveBeenCalledWith(new SessionRevokedEvent(base.user_id, base.session_id, 'token_reuse'));
  });

  it('closes the sockets of a reused session even when the marker cannot be written', async () => {
    const h = harness({ ...base, used_at: new Date(Date.now() - 11_000), used_ms_ago: 11_000 });
    h.accessTokens.markSessionsRevoked.mockRejectedValue(new Error('redis away'));
    await expect(h.handler.execute(cmd)).rejects.toThrow('redis away');
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
    expect(h.tokens.revoke).not.toHaveBeenCalled();
    expect(h.tokens.markTokenUsed).not.toHaveBeenCalled();
    expect(h.tokens.touch).not.toHaveBeenCalled();
  });

  it('refuses an unknown or malformed token', async () => {
    expect((await appErrorOf(harness(undefined).handler.execute(cmd))).code).toBe(ErrorCode.UNAUTHENTICATED);
    const h = harness(base);
    expect((await appErrorOf(h.handler.execute(RefreshSessionCommand.create({ refreshToken: 'nope' })))).code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(h.tokens.lockRefreshToken).not.toHaveBeenCalled();
  });
});
