import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ConversationType = 'direct' | 'group';

@Entity({ name: 'conversations' })
export class ConversationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  type: ConversationType;

  @Column('text', { nullable: true })
  name: string | null;

  /** For direct conversations: the pair, sorted, unique together. */
  @Column('uuid', { name: 'direct_user_low', nullable: true })
  directUserLow: string | null;

  @Column('uuid', { name: 'direct_user_high', nullable: true })
  directUserHigh: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('bigint', { name: 'last_seq' })
  lastSeq: string;

  @Column('timestamptz', { name: 'last_message_at', nullable: true })
  lastMessageAt: Date | null;

  @Column('timestamptz', { name: 'last_activity_at' })
  lastActivityAt: Date;

  @Column('timestamptz', { name: 'changed_at' })
  changedAt: Date;
}
