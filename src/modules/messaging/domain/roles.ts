import { AppError } from '../../../common/errors/app-error';
import { MembershipRow } from './read-model';

/** Group management (rename, add, remove others) is for owners and admins of groups. */
export function requireGroupManager(me: MembershipRow): void {
  if (me.type !== 'group') throw AppError.validation('Direct conversations have no settings or members to manage', [{ field: 'conversationId', message: 'is a direct conversation' }]);
  if (me.role !== 'owner' && me.role !== 'admin') throw AppError.forbidden('Only the group owner or an admin can do this');
}
