import { Injectable } from '@nestjs/common';
import { Db, Tx } from '../../../database/db';

export type UserRole = 'user' | 'admin';
/** Who may add the user to a group: anyone, or only people who share a direct conversation with them. */
export type GroupInvites = 'everyone' | 'contacts';

/** A user as identity's handlers use it (the password hash only where a query asks for it). */
export interface UserRecord {
  id: string;
  username: string;
  email: string;
  displayName: string;
  timezone: string;
  role: UserRole;
  groupInvites: GroupInvites;
  bannedAt: Date | null;
  createdAt: Date;
}

const USER_COLUMNS = `id, username, email, display_name AS "displayName", timezone, role, group_invites AS "groupInvites", banned_at AS "bannedAt", created_at AS "createdAt"`;

export interface ProfileChanges {
  displayName?: string;
  timezone?: string;
  groupInvites?: GroupInvites;
}

/** All SQL of the `users` table. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: Db) {}

  insert(user: { id: string; username: string; email: string; displayName: string; passwordHash: string }, tx: Tx): Promise<UserRecord> {
    return this.db
      .rows<UserRecord>(`INSERT INTO users (id, username, email, display_name, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${USER_COLUMNS}`, [
        user.id,
        user.username,
        user.email,
        user.displayName,
        user.passwordHash,
      ], tx)
      .then((rows) => rows[0]);
  }

  findById(id: string, tx?: Tx): Promise<UserRecord | undefined> {
    return this.db.one<UserRecord>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id], tx);
  }

  /** By username, or by email when the login holds an @ (both case-insensitively), with the password hash. */
  findByLogin(login: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    const column = login.includes('@') ? 'lower(email)' : 'lower(username)';
    return this.db.one<UserRecord & { passwordHash: string }>(`SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE ${column} = $1`, [login.toLowerCase()]);
  }

  /** The ban, read under a share lock: a ban that is being written is waited for, never missed. */
  async bannedAtForSignIn(id: string, tx: Tx): Promise<Date | null> {
    return (await this.db.one<{ banned_at: Date | null }>(`SELECT banned_at FROM users WHERE id = $1 FOR SHARE`, [id], tx))?.banned_at ?? null;
  }

  /** Replaces a password hash unless it changed meanwhile. */
  async replacePasswordHash(id: string, from: string, to: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, [id, from, to], tx);
  }

  updateProfile(id: string, changes: ProfileChanges): Promise<UserRecord | undefined> {
    return this.db.one<UserRecord>(
      `UPDATE users SET display_name = coalesce($2, display_name), timezone = coalesce($3, timezone), group_invites = coalesce($4, group_invites),
              updated_at = CASE WHEN num_nonnulls($2, $3, $4) = 0 THEN updated_at ELSE now() END
        WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      [id, changes.displayName ?? null, changes.timezone ?? null, changes.groupInvites ?? null],
    );
  }

  /** Username-prefix search, keyset-paged on the username (its text_pattern_ops index); banned users left out. */
  searchByUsernamePrefix(prefix: string, after: string | null, limit: number): Promise<UserRecord[]> {
    // The prefix is [a-z0-9_.] only; "_" is a LIKE wildcard, so escape it.
    const pattern = `${prefix.replace(/_/g, '\\_')}%`;
    return this.db.rows<UserRecord>(
      `SELECT ${USER_COLUMNS} FROM users
        WHERE lower(username) LIKE $1 AND banned_at IS NULL AND ($2::text IS NULL OR lower(username) ~>~ $2)
        ORDER BY lower(username) LIMIT $3`,
      [pattern, after, limit],
    );
  }

  async existing(ids: readonly string[], tx?: Tx): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.rows<{ id: string }>(`SELECT id FROM users WHERE id = ANY($1::uuid[])`, [ids], tx);
    return new Set(rows.map((r) => r.id));
  }

  /** Of `ids`, the users who accept group invitations from contacts only. */
  async onlyFromContacts(ids: readonly string[], tx?: Tx): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.rows<{ id: string }>(`SELECT id FROM users WHERE id = ANY($1::uuid[]) AND group_invites = 'contacts'`, [ids], tx);
    return rows.map((r) => r.id);
  }

  /** Whether the user is an administrator who is not banned: read every time, never taken from a token. */
  async isActiveAdmin(id: string, tx?: Tx): Promise<boolean> {
    return (await this.db.one<{ ok: boolean }>(`SELECT (role = 'admin' AND banned_at IS NULL) AS ok FROM users WHERE id = $1`, [id], tx))?.ok ?? false;
  }

  /** Role and ban of the user, locked for a change of either. */
  lockForSuspension(id: string, tx: Tx): Promise<{ role: UserRole; bannedAt: Date | null } | undefined> {
    return this.db.one<{ role: UserRole; bannedAt: Date | null }>(`SELECT role, banned_at AS "bannedAt" FROM users WHERE id = $1 FOR UPDATE`, [id], tx);
  }

  async setBanned(id: string, tx: Tx): Promise<Date> {
    return (await this.db.rows<{ banned_at: Date }>(`UPDATE users SET banned_at = now(), updated_at = now() WHERE id = $1 RETURNING banned_at`, [id], tx))[0].banned_at;
  }

  async clearBan(id: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE users SET banned_at = NULL, updated_at = now() WHERE id = $1`, [id], tx);
  }
}
