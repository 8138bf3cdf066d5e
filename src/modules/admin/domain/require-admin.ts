import { AppError } from '../../../common/errors/app-error';
import { Actor } from '../../../common/cqrs/app-command';
import { Tx } from '../../../database/db';
import { IdentityDirectory } from '../../identity';

/**
 * Admin rights are read from the database, not from the token: a demoted or banned admin
 * loses them at once rather than when their access token runs out.
 */
export async function requireAdmin(identity: IdentityDirectory, actor: Actor, tx?: Tx): Promise<void> {
  if (!(await identity.isActiveAdmin(actor.userId, tx))) throw AppError.forbidden('Administrator role required');
}
