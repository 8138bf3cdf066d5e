import { MigrationInterface, QueryRunner } from 'typeorm';

export class Identity1763780000000 implements MigrationInterface {
  name = 'Identity1763780000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY,
        username      text NOT NULL CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9_.]{3,32}$'),
        email         text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) BETWEEN 3 AND 254),
        display_name  text NOT NULL CONSTRAINT users_display_name_length CHECK (char_length(display_name) BETWEEN 1 AND 64),
        password_hash text NOT NULL,
        timezone      text NOT NULL DEFAULT 'UTC' CONSTRAINT users_timezone_length CHECK (char_length(timezone) BETWEEN 1 AND 64),
        role          text NOT NULL DEFAULT 'user' CONSTRAINT users_role_valid CHECK (role IN ('user', 'admin')),
        banned_at     timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    // text_pattern_ops serves both equality and the username-prefix search.
    await q.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username) text_pattern_ops)`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);

    await q.query(`
      CREATE TABLE sessions (
        id           uuid PRIMARY KEY,
        user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz,
        user_agent   text CONSTRAINT sessions_user_agent_length CHECK (char_length(user_agent) <= 512),
        ip           inet
      )`);
    await q.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id          uuid PRIMARY KEY,
        session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash  bytea NOT NULL CONSTRAINT refresh_tokens_hash_length CHECK (octet_length(token_hash) = 32),
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id)`);

    await q.query(`
      CREATE TABLE user_blocks (
        blocker_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        blocked_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blocker_id, blocked_id),
        CONSTRAINT user_blocks_not_self CHECK (blocker_id <> blocked_id)
      )`);
    await q.query(`CREATE INDEX user_blocks_blocked_id_idx ON user_blocks (blocked_id)`);
    await q.query(`CREATE INDEX user_blocks_page_idx ON user_blocks (blocker_id, created_at DESC, blocked_id DESC)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_blocks`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE users`);
  }
}
