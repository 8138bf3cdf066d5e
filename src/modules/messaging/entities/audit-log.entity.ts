import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Moderation actions: who did what to which object, when. */
@Entity({ name: 'audit_log' })
export class AuditLogEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('text')
  action: string;

  @Column('text', { name: 'target_type' })
  targetType: string;

  @Column('uuid', { name: 'target_id' })
  targetId: string;

  @Column('uuid', { name: 'conversation_id', nullable: true })
  conversationId: string | null;

  @Column('jsonb')
  details: Record<string, unknown>;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
