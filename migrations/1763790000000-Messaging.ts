import { MigrationInterface, QueryRunner } from 'typeorm';

export class Messaging1763790000000 implements MigrationInterface {
  name = 'Messaging1763790000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE conversations (
        id               uuid PRIMARY KEY,
        type             text NOT NULL CONSTRAINT conversations_type_valid CHECK (type IN ('direct', 'group')),
        name             text,
        direct_user_low  uuid REFERENCES users (id) ON DELETE CASCADE,
        direct_user_high uuid REFERENCES users (id) ON DELETE CASCADE,
        created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        last_seq         bigint NOT NULL DEFAULT 0 CONSTRAINT conversations_last_seq_nonneg CHECK (last_seq >= 0),
        last_message_at  timestamptz,
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        -- Any change a client may need to fetch (messages, edits, deletes, reactions, members).
        changed_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT conversations_shape CHECK (
          (type = 'group' AND name IS NOT NULL AND char_length(name) BETWEEN 1 AND 100
             AND direct_user_low IS NULL AND direct_user_high IS NULL)
          OR (type = 'direct' AND name IS NULL AND direct_user_low IS NOT NULL AND direct_user_high IS NOT NULL
             AND direct_user_low < direct_user_high))
      )`);
    // One direct conversation per unordered pair: the pair is stored sorted.
    await q.query(`CREATE UNIQUE INDEX conversations_direct_pair_key ON conversations (direct_user_low, direct_user_high) WHERE type = 'direct'`);

    await q.query(`
      CREATE TABLE conversation_members (
        conversation_id    uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role               text NOT NULL DEFAULT 'member' CONSTRAINT conversation_members_role_valid CHECK (role IN ('owner', 'admin', 'member')),
        joined_seq         bigint NOT NULL DEFAULT 0,
        last_read_seq      bigint NOT NULL DEFAULT 0,
        last_delivered_seq bigint NOT NULL DEFAULT 0,
        muted_until        timestamptz,
        joined_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, user_id),
        CONSTRAINT conversation_members_pointers CHECK (last_read_seq >= joined_seq AND last_delivered_seq >= last_read_seq)
      )`);
    await q.query(`CREATE INDEX conversation_members_user_id_idx ON conversation_members (user_id)`);

    await q.query(`
      CREATE TABLE messages (
        id                uuid PRIMARY KEY,
        conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq               bigint NOT NULL CONSTRAINT messages_seq_positive CHECK (seq > 0),
        sender_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_message_id text NOT NULL CONSTRAINT messages_client_message_id_format CHECK (client_message_id ~ '^[A-Za-z0-9_-]{1,64}$'),
        content           text CONSTRAINT messages_content_length CHECK (content IS NULL OR char_length(content) BETWEEN 1 AND 10000),
        reply_to_id       uuid,
        version           integer NOT NULL DEFAULT 1 CONSTRAINT messages_version_positive CHECK (version >= 1),
        created_at        timestamptz NOT NULL DEFAULT now(),
        edited_at         timestamptz,
        deleted_at        timestamptz,
        deleted_by        uuid REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT messages_tombstone CHECK (deleted_at IS NOT NULL OR content IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX messages_conversation_seq_key ON messages (conversation_id, seq)`);
    // A reply must point into the same conversation: a composite key makes the database say so.
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_id_key UNIQUE (conversation_id, id)`);
    await q.query(`
      ALTER TABLE messages ADD CONSTRAINT messages_reply_to_same_conversation
        FOREIGN KEY (conversation_id, reply_to_id) REFERENCES messages (conversation_id, id) ON DELETE SET NULL (reply_to_id)`);
    // Idempotent sends: a retry of (conversation, sender, clientMessageId) finds the original, forever.
    await q.query(`CREATE UNIQUE INDEX messages_client_message_id_key ON messages (conversation_id, sender_id, client_message_id)`);

    await q.query(`
      CREATE TABLE message_edits (
        message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        version    integer NOT NULL,
        content    text NOT NULL,
        edited_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, version)
      )`);

    await q.query(`
      CREATE TABLE message_reactions (
        message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        emoji      text NOT NULL CONSTRAINT message_reactions_emoji_length CHECK (char_length(emoji) BETWEEN 1 AND 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, user_id, emoji)
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id              uuid PRIMARY KEY,
        actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
        action          text NOT NULL,
        target_type     text NOT NULL,
        target_id       uuid NOT NULL,
        conversation_id uuid,
        details         jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id)`);

    // Written in the same transaction as the change it describes; consumed by workers.
    await q.query(`
      CREATE TABLE outbox (
        id           bigserial PRIMARY KEY,
        topic        text NOT NULL,
        payload      jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE processed_at IS NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE message_reactions`);
    await q.query(`DROP TABLE message_edits`);
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE conversation_members`);
    await q.query(`DROP TABLE conversations`);
  }
}
