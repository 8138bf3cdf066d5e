import { Injectable } from '@nestjs/common';
import { SessionState, SessionStateReader } from '../../../common/auth/session-state';
import { Db, Tx } from '../../../database/db';

/** A refresh token with what rotating it needs, locked with its session. */
export interface RefreshTokenRow {
  id: string;
  session_id: string;
  token_hash: Buffer;
  expires_at: Date;
  used_at: Date | null;
  /** Milliseconds since used_at, on the database's clock (the one that wrote it). */
  used_ms_ago: number | null;
  revoked_at: Date | null;
  user_id: string;
  banned_at: Date | null;
}

/** All SQL of `sessions` and `refresh_tokens`; also what the access-token check asks of a session. */
@Injectable()
export class SessionsRepository implements SessionStateReader {
  constructor(private readonly db: Db) {}

  async insertSession(session: { id: string; userId: string; userAgent: string | null; ip: string | null }, tx: Tx): Promise<void> {
    await this.db.rows(`INSERT INTO sessions (id, user_id, user_agent, ip) VALUES ($1, $2, $3, $4)`, [session.id, session.userId, session.userAgent, session.ip], tx);
  }

  async insertRefreshToken(token: { id: string; sessionId: string; hash: Buffer; expiresAt: Date }, tx: Tx): Promise<void> {
    await this.db.rows(`INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`, [token.id, token.sessionId, token.hash, token.expiresAt], tx);
  }

  lockRefreshToken(tokenId: string, tx: Tx): Promise<RefreshTokenRow | undefined> {
    return this.db.one<RefreshTokenRow>(
      `SELECT t.id, t.session_id, t.token_hash, t.expires_at, t.used_at, (extract(epoch FROM now() - t.used_at) * 1000)::float8 AS used_ms_ago,
              s.revoked_at, s.user_id, u.banned_at
         FROM refresh_tokens t
         JOIN sessions s ON s.id = t.session_id
         JOIN users u ON u.id = s.user_id
        WHERE t.id = $1
          FOR UPDATE OF t, s`,
      [tokenId],
      tx,
    );
  }

  async markTokenUsed(tokenId: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [tokenId], tx);
  }

  async touch(sessionId: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE sessions SET last_used_at = now() WHERE id = $1`, [sessionId], tx);
  }

  /** The session and token hash of a refresh token of this user's, or undefined. */
  findOwnToken(tokenId: string, userId: string): Promise<{ session_id: string; token_hash: Buffer } | undefined> {
    return this.db.one(`SELECT t.session_id, t.token_hash FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.id = $1 AND s.user_id = $2`, [tokenId, userId]);
  }

  async revoke(sessionId: string, tx?: Tx): Promise<void> {
    await this.db.rows(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId], tx);
  }

  /** Ends every live session of the user; their ids. */
  async revokeAllOf(userId: string, tx: Tx): Promise<string[]> {
    return (await this.db.rows<{ id: string }>(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`, [userId], tx)).map((r) => r.id);
  }

  async state(sessionId: string, userId: string): Promise<SessionState> {
    const row = await this.db.one<{ ended: boolean; user_id: string }>(
      `SELECT (s.revoked_at IS NOT NULL OR u.banned_at IS NOT NULL) AS ended, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    return !row || row.ended ? 'ended' : row.user_id === userId ? 'live' : 'foreign';
  }

  async endedAmong(sessionIds: readonly string[]): Promise<Set<string>> {
    const ended = new Set(sessionIds);
    for (let i = 0; i < sessionIds.length; i += 5000) {
      const rows = await this.db.rows<{ id: string }>(
        `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND u.banned_at IS NULL`,
        [sessionIds.slice(i, i + 5000)],
      );
      for (const r of rows) ended.delete(r.id);
    }
    return ended;
  }

  /** Deletes up to `batch` refresh tokens past their expiry (a used one is kept until then: presenting it is still reuse). */
  async purgeExpiredTokens(batch: number): Promise<number> {
    return (await this.db.rows(`DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM refresh_tokens WHERE expires_at < now() LIMIT $1) RETURNING id`, [batch])).length;
  }

  /** Deletes up to `batch` sessions ended more than `graceSeconds` ago, or idle that long with every refresh token expired. */
  async purgeEndedSessions(batch: number, graceSeconds: number): Promise<number> {
    const rows = await this.db.rows(
      `DELETE FROM sessions WHERE id IN (
         SELECT s.id FROM sessions s
          WHERE s.revoked_at < now() - make_interval(secs => $2)
             OR (s.last_used_at < now() - make_interval(secs => $2)
                 AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id AND t.expires_at > now()))
          LIMIT $1) RETURNING id`,
      [batch, graceSeconds],
    );
    return rows.length;
  }
}
