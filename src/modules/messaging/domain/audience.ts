import { Injectable } from '@nestjs/common';
import { Tx } from '../../../database/db';
import { ConversationsRepository } from '../repositories/conversations.repository';
import { MembershipsRepository } from '../repositories/memberships.repository';

/** Whether a member who joined at `joinedSeq` has message `seq` in their history (they see it, and hear of it). */
export function holdsInHistory(joinedSeq: number | string, seq: number | string): boolean {
  return Number(seq) > Number(joinedSeq);
}

/**
 * Who hears of a change: computed here only, and as of the change's commit. A write reads its
 * audience inside its own transaction, after the conversation's lock, so no membership change
 * can slip in between; the send, which is one statement, reads it right after its commit.
 */
@Injectable()
export class Audience {
  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly conversations: ConversationsRepository,
  ) {}

  /** Everything about a message (its creation, edits, reactions, deletion): members whose history holds it. */
  ofMessage(conversationId: string, seq: number | string, tx?: Tx): Promise<string[]> {
    return this.memberships.memberIdsWhoSee(conversationId, seq, tx);
  }

  /** Changes to the conversation itself (name, members, roles): every member. */
  ofConversation(conversationId: string, tx?: Tx): Promise<string[]> {
    return this.memberships.memberIds(conversationId, tx);
  }

  /** A read or delivery receipt: every member, except across a block: then only the reader's own devices. */
  async ofReceipt(conversationId: string, readerId: string): Promise<string[]> {
    return (await this.conversations.blockedDirect(conversationId)) ? [readerId] : this.memberships.memberIds(conversationId);
  }

  /** Typing: the other members. */
  async ofTyping(conversationId: string, typistId: string): Promise<string[]> {
    return (await this.memberships.memberIds(conversationId)).filter((id) => id !== typistId);
  }
}
