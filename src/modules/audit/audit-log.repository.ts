import { Global, Injectable, Module } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { Db, Tx } from '../../database/db';

export interface AuditEntry {
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  conversationId?: string;
  details?: Record<string, unknown>;
}

/**
 * The audit log (table `audit_log`, owned here): who did what to which object, written in the
 * transaction of the action it records, so one never exists without the other.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry, tx: Tx): Promise<void> {
    await this.db.rows(
      `INSERT INTO audit_log (id, actor_id, action, target_type, target_id, conversation_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [uuidv7(), entry.actorId, entry.action, entry.targetType, entry.targetId, entry.conversationId ?? null, JSON.stringify(entry.details ?? {})],
      tx,
    );
  }

  /** The details of the latest entry of `action` on the target. */
  async latestDetails(targetType: string, targetId: string, action: string, tx?: Tx): Promise<Record<string, unknown> | null> {
    const row = await this.db.one<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE target_type = $1 AND target_id = $2 AND action = $3 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [targetType, targetId, action],
      tx,
    );
    return row?.details ?? null;
  }
}

@Global()
@Module({ providers: [AuditLog], exports: [AuditLog] })
export class AuditModule {}
