import { ApiProperty } from '@nestjs/swagger';

export type MemberRole = 'owner' | 'admin' | 'member';

export class ReactionSummaryView {
  @ApiProperty({ example: '👍' })
  emoji: string;
  @ApiProperty({ example: 3 })
  count: number;
  @ApiProperty({ description: 'Whether the caller is one of them' })
  me: boolean;
}

export class MessageView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  conversationId: string;
  @ApiProperty({ example: 42, description: 'Per-conversation sequence number, gapless from 1' })
  seq: number;
  @ApiProperty({ format: 'uuid' })
  senderId: string;
  @ApiProperty({ type: String, nullable: true, example: 'See you at 10?', description: 'null once deleted' })
  content: string | null;
  @ApiProperty({ example: '6f1c2d8e-0b7a-4b8e-9a51-3c2f1e0d9a77' })
  clientMessageId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  replyToId: string | null;
  @ApiProperty({ type: [Object], example: [] })
  attachments: unknown[];
  @ApiProperty({ type: [ReactionSummaryView] })
  reactions: ReactionSummaryView[];
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  editedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deletedAt: string | null;
  @ApiProperty({ example: 1, description: 'Starts at 1, +1 per edit' })
  version: number;
}

export class MemberView {
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] })
  role: MemberRole;
  @ApiProperty({ example: 41 })
  lastReadSeq: number;
}

export class ConversationView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ enum: ['direct', 'group'] })
  type: 'direct' | 'group';
  @ApiProperty({ type: String, nullable: true, example: 'Launch team' })
  name: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ example: 42 })
  lastSeq: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastMessageAt: string | null;
  @ApiProperty({ type: MessageView, nullable: true })
  lastMessage: MessageView | null;
  @ApiProperty({ example: 2, description: "Messages after the caller's lastReadSeq, not their own, not deleted" })
  unreadCount: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  mutedUntil: string | null;
  @ApiProperty({ type: [MemberView] })
  members: MemberView[];
}

export class ConversationPage {
  @ApiProperty({ type: [ConversationView] })
  items: ConversationView[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class MessagePage {
  @ApiProperty({ type: [MessageView] })
  items: MessageView[];
  @ApiProperty({ description: 'More messages exist in the requested direction' })
  hasMore: boolean;
}

export class ReadStateView {
  @ApiProperty({ format: 'uuid' })
  conversationId: string;
  @ApiProperty()
  lastReadSeq: number;
  @ApiProperty()
  unreadCount: number;
}

export class DeliveredStateView {
  @ApiProperty({ format: 'uuid' })
  conversationId: string;
  @ApiProperty()
  lastDeliveredSeq: number;
}

export class ReceiptView {
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty()
  lastReadSeq: number;
  @ApiProperty()
  lastDeliveredSeq: number;
}

export class MessageEditView {
  @ApiProperty({ example: 1 })
  version: number;
  @ApiProperty()
  content: string;
  @ApiProperty({ format: 'date-time', description: 'When this version was replaced by the next one' })
  editedAt: string;
}

/** Row shape of `messages` as selected by the read model (snake_case, bigint as string). */
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string | number;
  sender_id: string;
  client_message_id: string;
  content: string | null;
  reply_to_id: string | null;
  version: number;
  created_at: Date | string;
  edited_at: Date | string | null;
  deleted_at: Date | string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toMessageView(row: MessageRow, reactions: ReactionSummaryView[] = []): MessageView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    content: row.deleted_at ? null : row.content,
    clientMessageId: row.client_message_id,
    replyToId: row.reply_to_id,
    attachments: [],
    reactions: row.deleted_at ? [] : reactions,
    createdAt: iso(row.created_at) as string,
    editedAt: iso(row.edited_at),
    deletedAt: iso(row.deleted_at),
    version: row.version,
  };
}

/** The reconnect hint: what to sync, and the `since` to send next time (server time, with a margin). */
export class SyncStateResult {
  conversations: SyncStateView[];
  asOf: string;
}

export class SyncStateView {
  @ApiProperty({ format: 'uuid' })
  conversationId: string;
  @ApiProperty({ example: 42, description: 'Fetch messages.sync { afterSeq: <highest seq up to which you hold every message> } up to here' })
  lastSeq: number;
  @ApiProperty({ example: 40 })
  lastDeliveredSeq: number;
  @ApiProperty({ example: 38 })
  lastReadSeq: number;
}
