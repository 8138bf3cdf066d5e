import { AppError } from '../../../common/errors/app-error';
import { MemberRole } from './views';

export interface Member {
  user_id: string;
  role: MemberRole;
}

/** What removing a member does to the group. */
export interface RemovalPlan {
  /** Members left, oldest first. */
  remaining: Member[];
  /** The last member left: the group goes with them. */
  deleteGroup: boolean;
  /** The last owner left: ownership passes to the oldest admin, else the oldest member. */
  promoted: string | null;
}

/**
 * Owners and admins remove members; only an owner removes an admin or another owner; anyone
 * may remove themselves (leave). `members` are every member, oldest first, read under the
 * conversation's lock. Direct conversations have no members to remove.
 */
export function planRemoval(me: { user_id: string; role: MemberRole; type: 'direct' | 'group' }, targetId: string, members: readonly Member[]): RemovalPlan {
  if (me.type !== 'group') {
    throw AppError.validation('Members of a direct conversation cannot be removed', [{ field: 'conversationId', message: 'is a direct conversation' }]);
  }
  const leaving = targetId === me.user_id;
  if (!leaving) requireManagerRole(me.role);
  const target = members.find((m) => m.user_id === targetId);
  if (!target) throw AppError.notFound('Member');
  if (!leaving && target.role !== 'member' && me.role !== 'owner') throw AppError.forbidden('Only an owner can remove an owner or an admin');
  const remaining = members.filter((m) => m.user_id !== targetId);
  if (remaining.length === 0) return { remaining, deleteGroup: true, promoted: null };
  const promoted = target.role === 'owner' && !remaining.some((m) => m.role === 'owner') ? (remaining.find((m) => m.role === 'admin') ?? remaining[0]).user_id : null;
  return { remaining, deleteGroup: false, promoted };
}

/**
 * Only an owner changes roles, only in a group, only of a member, and a group always keeps at
 * least one owner (an owner may hand over by promoting another, then stepping down).
 */
export function checkRoleChange(me: { role: MemberRole; type: 'direct' | 'group' }, targetId: string, role: MemberRole, members: readonly Member[]): void {
  if (me.type !== 'group') throw AppError.validation('Direct conversations have no roles', [{ field: 'conversationId', message: 'is a direct conversation' }]);
  if (me.role !== 'owner') throw AppError.forbidden('Only an owner can change roles');
  if (!members.some((m) => m.user_id === targetId)) throw AppError.notFound('Member');
  const owners = members.filter((m) => (m.user_id === targetId ? role : m.role) === 'owner');
  if (owners.length === 0) throw AppError.conflict('A group must keep at least one owner');
}

/** Group management (rename, add, remove others) is for owners and admins of groups. */
export function requireGroupManager(me: { role: MemberRole; type: 'direct' | 'group' }): void {
  if (me.type !== 'group') throw AppError.validation('Direct conversations have no settings or members to manage', [{ field: 'conversationId', message: 'is a direct conversation' }]);
  requireManagerRole(me.role);
}

function requireManagerRole(role: MemberRole): void {
  if (role !== 'owner' && role !== 'admin') throw AppError.forbidden('Only the group owner or an admin can do this');
}
