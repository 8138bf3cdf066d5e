import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/cqrs/app-command';
import { AppError } from '../../../common/errors/app-error';

/**
 * Admin rights are read from the database, not the token's role claim: a demoted or
 * banned admin loses them at once rather than when their access token runs out.
 */
export async function requireAdmin(manager: EntityManager, actor: Actor): Promise<void> {
  const rows: { role: string; banned_at: Date | null }[] = await manager.query(
    `SELECT role, banned_at FROM users WHERE id = $1`,
    [actor.userId],
  );
  const row = rows[0];
  if (!row || row.role !== 'admin' || row.banned_at) throw AppError.forbidden('Administrator role required');
}
