import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may pull a user into a group (`groupInvites`: everyone, or only contacts, the people
 * they share a direct conversation with), and an index for the purge of ended sessions.
 */
export class Hardening1764830000000 implements MigrationInterface {
  name = 'Hardening1764830000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users ADD COLUMN group_invites text NOT NULL DEFAULT 'everyone'
        CONSTRAINT users_group_invites_valid CHECK (group_invites IN ('everyone', 'contacts'))`);
    // The purge deletes refresh tokens by expiry and sessions once they ended.
    await q.query(`CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at)`);
    await q.query(`CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL`);
    await q.query(`CREATE INDEX sessions_last_used_at_idx ON sessions (last_used_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sessions_last_used_at_idx`);
    await q.query(`DROP INDEX sessions_revoked_at_idx`);
    await q.query(`DROP INDEX refresh_tokens_expires_at_idx`);
    await q.query(`ALTER TABLE users DROP COLUMN group_invites`);
  }
}
