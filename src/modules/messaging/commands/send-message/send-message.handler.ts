import { Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { safeError } from '../../../../common/errors/http-exception.filter';
import { DataSource } from 'typeorm';
import { pgError, queryPrepared } from '../../../../database/prepared';
import { withStatementRetry } from '../../../../database/transaction';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { MessagingReadModel } from '../../domain/read-model';
import { MessageRow, toMessageView } from '../../domain/views';
import { MessageSentEvent } from '../../events/messaging.events';
import { SendMessageCommand, SendMessageResult } from './send-message.command';

interface SendRow {
  conv_type: 'direct' | 'group' | null;
  is_member: boolean;
  blocked: boolean;
  reply_ok: boolean;
  inserted: MessageRow | null;
  existing: MessageRow | null;
  /** Members whose history holds the new message, as of the statement's snapshot (see RECIPIENTS_SQL). */
  snapshot_recipients: string[] | null;
}

/**
 * The send path is one statement: lock the conversation (the one lock order of every write:
 * conversation, then memberships, then messages), then the sender's membership (locked after
 * the conversation, so a removal that committed while we waited is seen and the send is
 * refused), check blocks and the reply target, look for an earlier send with the same
 * clientMessageId, bump the conversation's seq, insert the message with it, move the
 * sender's pointers and write the outbox row. The row lock on the conversation serialises
 * seqs: gapless, in commit order. A concurrent identical retry loses on the unique index,
 * the whole statement (seq bump included) rolls back, and the original is returned.
 */
export const SEND_SQL = `
WITH locked AS (
  SELECT c.id, c.type, c.direct_user_low, c.direct_user_high FROM conversations c WHERE c.id = $1 FOR NO KEY UPDATE
), mem AS (
  -- Joined to the locked row, so this lock is taken only once the conversation's is held.
  SELECT m.user_id FROM conversation_members m JOIN locked ON m.conversation_id = locked.id WHERE m.user_id = $2 FOR KEY SHARE OF m
), conv AS (
  SELECT l.id, l.type, EXISTS (SELECT 1 FROM mem) AS is_member,
         (l.type = 'direct' AND EXISTS (
            SELECT 1 FROM user_blocks b
             WHERE (b.blocker_id = l.direct_user_low AND b.blocked_id = l.direct_user_high)
                OR (b.blocker_id = l.direct_user_high AND b.blocked_id = l.direct_user_low))) AS blocked
    FROM locked l
), existing AS (
  SELECT * FROM messages WHERE conversation_id = $1 AND sender_id = $2 AND client_message_id = $4
), reply AS (
  SELECT 1 FROM messages r
    JOIN conversation_members rm ON rm.conversation_id = r.conversation_id AND rm.user_id = $2
   WHERE r.id = $6::uuid AND r.conversation_id = $1 AND r.seq > rm.joined_seq
), bump AS (
  UPDATE conversations c SET last_seq = c.last_seq + 1, last_message_at = now(), last_activity_at = now(), changed_at = now()
    FROM conv
   WHERE c.id = conv.id AND conv.is_member AND NOT conv.blocked
     AND NOT EXISTS (SELECT 1 FROM existing)
     AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM reply))
  RETURNING c.last_seq, c.last_message_at
), ins AS (
  INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, content, reply_to_id, created_at)
  SELECT $3, $1, bump.last_seq, $2, $4, $5, $6::uuid, bump.last_message_at FROM bump
  RETURNING id, conversation_id, seq, sender_id, client_message_id, content, reply_to_id, version, created_at, edited_at, deleted_at
), pointers AS (
  UPDATE conversation_members SET last_read_seq = ins.seq, last_delivered_seq = ins.seq
    FROM ins
   WHERE conversation_members.conversation_id = $1 AND conversation_members.user_id = $2
     AND conversation_members.last_delivered_seq < ins.seq
), outbox_row AS (
  INSERT INTO outbox (topic, payload)
  SELECT 'message.sent', jsonb_build_object('messageId', ins.id, 'conversationId', ins.conversation_id, 'seq', ins.seq, 'senderId', ins.sender_id)
    FROM ins
)
SELECT conv.type AS conv_type, coalesce(conv.is_member, false) AS is_member, coalesce(conv.blocked, false) AS blocked,
       EXISTS (SELECT 1 FROM reply) AS reply_ok,
       (SELECT row_to_json(ins) FROM ins) AS inserted,
       (SELECT array_agg(r.user_id) FROM conversation_members r, ins WHERE r.conversation_id = $1 AND r.joined_seq < ins.seq) AS snapshot_recipients,
       (SELECT row_to_json(e) FROM (SELECT id, conversation_id, seq, sender_id, client_message_id, content, reply_to_id, version, created_at, edited_at, deleted_at FROM existing) e) AS existing
  FROM (SELECT 1) one LEFT JOIN conv ON true`;

/**
 * Who gets message.created: read after commit (the statement's snapshot predates any
 * membership change it waited for), so a member added meanwhile whose history holds the
 * message gets it, and one removed meanwhile does not.
 */
const RECIPIENTS_SQL = `SELECT user_id FROM conversation_members WHERE conversation_id = $1 AND joined_seq < $2`;

@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  private readonly logger = new Logger(SendMessageHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: SendMessageCommand): Promise<SendMessageResult> {
    const userId = cmd.actor.userId;
    // No attachment exists until the attachments module lands: every id is unknown.
    if (cmd.attachmentIds?.length) throw AppError.notFound('Attachment');
    let row: SendRow;
    try {
      const rows = await withStatementRetry(() =>
        queryPrepared<SendRow>(this.dataSource, 'parley_send_message', SEND_SQL, [
          cmd.conversationId,
          userId,
          uuidv7(),
          cmd.clientMessageId,
          cmd.content ?? null,
          cmd.replyToId ?? null,
        ]),
      );
      row = rows[0];
    } catch (err) {
      if (isDuplicateSend(err)) return { message: await this.original(cmd), created: false };
      throw err;
    }
    if (!row.conv_type || !row.is_member) throw AppError.notFound('Conversation');
    if (row.existing) return { message: (await this.readModel.toMessages([row.existing], userId))[0], created: false };
    if (row.blocked) throw AppError.forbidden('You cannot send messages in this conversation');
    if (cmd.replyToId && !row.reply_ok) throw AppError.notFound('Reply target message');
    // Nothing inserted and no reason above: the conversation went away while we waited for it.
    if (!row.inserted) throw AppError.notFound('Conversation');

    const message = toMessageView(row.inserted);
    // Committed: from here on nothing may turn the answer into an error. Should the database not
    // answer the recipients query in time, the statement's own list serves (it can miss only a
    // member added in the same instant, who catches up by seq).
    const recipients = await queryPrepared<{ user_id: string }>(this.dataSource, 'parley_send_recipients', RECIPIENTS_SQL, [message.conversationId, message.seq]).then(
      (rows) => rows.map((r) => r.user_id),
      (err: unknown) => {
        this.logger.warn({ err: safeError(err), messageId: message.id }, 'recipients read from the send statement');
        return row.snapshot_recipients ?? [];
      },
    );
    this.events.publish(new MessageSentEvent(message, recipients));
    return { message, created: true };
  }

  private async original(cmd: SendMessageCommand): Promise<SendMessageResult['message']> {
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT id, conversation_id, seq, sender_id, client_message_id, content, reply_to_id, version, created_at, edited_at, deleted_at
         FROM messages WHERE conversation_id = $1 AND sender_id = $2 AND client_message_id = $3`,
      [cmd.conversationId, cmd.actor.userId, cmd.clientMessageId],
    );
    if (!rows[0]) throw new Error('duplicate send without an original');
    return (await this.readModel.toMessages(rows, cmd.actor.userId))[0];
  }
}

function isDuplicateSend(err: unknown): boolean {
  const { code, constraint } = pgError(err);
  return code === '23505' && constraint === 'messages_client_message_id_key';
}
