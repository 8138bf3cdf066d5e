import { Injectable } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error';
import { Tx } from '../../../database/db';
import { ConversationsRepository } from '../repositories/conversations.repository';
import { MembershipRow, MembershipsRepository } from '../repositories/memberships.repository';
import { MessagesRepository, MessageWithMembership } from '../repositories/messages.repository';
import { holdsInHistory } from './audience';

/**
 * Who may touch what, and the one lock order of every write to a conversation: its row first
 * (sends, membership and role changes, edits, deletes and reactions of one conversation queue
 * there), then memberships, then messages. Reads made after the lock, in later statements, see
 * every change committed before it. A non-member gets 404, exactly as if nothing existed.
 */
@Injectable()
export class ConversationAccess {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly messages: MessagesRepository,
  ) {}

  /** The caller's membership, or 404 as if the conversation did not exist. */
  async member(conversationId: string, userId: string, tx?: Tx): Promise<MembershipRow> {
    const me = await this.memberships.find(conversationId, userId, tx);
    if (!me) throw AppError.notFound('Conversation');
    return me;
  }

  /** Locks the conversation, then reads the caller's membership: 404 if either is missing. */
  async lockAsMember(conversationId: string, userId: string, tx: Tx): Promise<MembershipRow> {
    if (!(await this.conversations.lock(conversationId, tx))) throw AppError.notFound('Conversation');
    return this.member(conversationId, userId, tx);
  }

  /** A message the caller may see (a member, the message after their join point), or 404. */
  async visibleMessage(messageId: string, userId: string, tx?: Tx): Promise<MessageWithMembership> {
    return requireVisible(await this.messages.withMembership(messageId, userId, false, tx));
  }

  /**
   * For a write to a message: locks its conversation, then the message row, and checks that the
   * caller may see it, all read after the lock. `systemAdmin` may act on any message, member or not.
   */
  async lockMessage(messageId: string, userId: string, tx: Tx, systemAdmin = false): Promise<MessageWithMembership> {
    const conversationId = await this.messages.conversationOf(messageId, tx);
    if (!conversationId || !(await this.conversations.lock(conversationId, tx))) throw AppError.notFound('Message');
    const row = await this.messages.withMembership(messageId, userId, true, tx);
    if (systemAdmin && row) return row;
    return requireVisible(row);
  }
}

function requireVisible(row: MessageWithMembership | undefined): MessageWithMembership {
  if (!row || row.role === null || row.joined_seq === null || !holdsInHistory(row.joined_seq, row.seq)) throw AppError.notFound('Message');
  return row;
}
