import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MemberRole = 'owner' | 'admin' | 'member';

@Entity({ name: 'conversation_members' })
export class ConversationMemberEntity {
  @PrimaryColumn('uuid', { name: 'conversation_id' })
  conversationId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  role: MemberRole;

  /** History before this seq is not visible to the member (joined later). */
  @Column('bigint', { name: 'joined_seq' })
  joinedSeq: string;

  @Column('bigint', { name: 'last_read_seq' })
  lastReadSeq: string;

  @Column('bigint', { name: 'last_delivered_seq' })
  lastDeliveredSeq: string;

  @Column('timestamptz', { name: 'muted_until', nullable: true })
  mutedUntil: Date | null;

  @Column('timestamptz', { name: 'joined_at' })
  joinedAt: Date;
}
