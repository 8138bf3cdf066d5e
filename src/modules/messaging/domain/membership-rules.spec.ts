import { AppError, ErrorCode } from '../../../common/errors/app-error';
import { checkRoleChange, Member, planRemoval, requireGroupManager } from './membership-rules';

const group = (user_id: string, role: Member['role']) => ({ user_id, role, type: 'group' as const });
const members = (...list: [string, Member['role']][]): Member[] => list.map(([user_id, role]) => ({ user_id, role }));

function codeOf(fn: () => unknown): ErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

describe('planRemoval', () => {
  const team = members(['owner', 'owner'], ['admin1', 'admin'], ['admin2', 'admin'], ['m1', 'member'], ['m2', 'member']);

  it('lets owners and admins remove members, and keeps the group as it was otherwise', () => {
    expect(planRemoval(group('admin1', 'admin'), 'm1', team)).toEqual({ remaining: team.filter((m) => m.user_id !== 'm1'), deleteGroup: false, promoted: null });
    expect(planRemoval(group('owner', 'owner'), 'admin2', team).promoted).toBeNull();
  });

  it('lets only an owner remove an admin or an owner', () => {
    expect(codeOf(() => planRemoval(group('admin1', 'admin'), 'admin2', team))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => planRemoval(group('admin1', 'admin'), 'owner', team))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => planRemoval(group('m1', 'member'), 'm2', team))).toBe(ErrorCode.FORBIDDEN);
  });

  it('lets anyone leave, whatever their role', () => {
    expect(planRemoval(group('m1', 'member'), 'm1', team).deleteGroup).toBe(false);
    expect(planRemoval(group('admin2', 'admin'), 'admin2', team).promoted).toBeNull();
  });

  it('hands ownership of a group whose last owner leaves to the oldest admin', () => {
    expect(planRemoval(group('owner', 'owner'), 'owner', team).promoted).toBe('admin1');
  });

  it('hands it to the oldest member when there is no admin', () => {
    expect(planRemoval(group('owner', 'owner'), 'owner', members(['owner', 'owner'], ['m1', 'member'], ['m2', 'member'])).promoted).toBe('m1');
  });

  it('hands nothing over while another owner stays', () => {
    expect(planRemoval(group('owner', 'owner'), 'owner', members(['owner', 'owner'], ['owner2', 'owner'], ['admin1', 'admin'])).promoted).toBeNull();
    expect(planRemoval(group('owner2', 'owner'), 'owner', members(['owner', 'owner'], ['owner2', 'owner'])).promoted).toBeNull();
  });

  it('deletes the group with its last member', () => {
    expect(planRemoval(group('owner', 'owner'), 'owner', members(['owner', 'owner']))).toEqual({ remaining: [], deleteGroup: true, promoted: null });
  });

  it('answers 404 for someone who is not a member, and 400 in a direct conversation', () => {
    expect(codeOf(() => planRemoval(group('owner', 'owner'), 'stranger', team))).toBe(ErrorCode.NOT_FOUND);
    expect(codeOf(() => planRemoval({ user_id: 'a', role: 'member', type: 'direct' }, 'a', members(['a', 'member'], ['b', 'member'])))).toBe(ErrorCode.VALIDATION_FAILED);
  });
});

describe('checkRoleChange', () => {
  const team = members(['owner', 'owner'], ['admin1', 'admin'], ['m1', 'member']);

  it('lets an owner promote and demote', () => {
    expect(codeOf(() => checkRoleChange(group('owner', 'owner'), 'm1', 'admin', team))).toBe('none');
    expect(codeOf(() => checkRoleChange(group('owner', 'owner'), 'admin1', 'member', team))).toBe('none');
    expect(codeOf(() => checkRoleChange(group('owner', 'owner'), 'm1', 'owner', team))).toBe('none');
  });

  it('refuses anyone but an owner, admins included', () => {
    expect(codeOf(() => checkRoleChange(group('admin1', 'admin'), 'm1', 'admin', team))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => checkRoleChange(group('m1', 'member'), 'm1', 'owner', team))).toBe(ErrorCode.FORBIDDEN);
  });

  it('keeps at least one owner: the only owner cannot step down, one of two can', () => {
    expect(codeOf(() => checkRoleChange(group('owner', 'owner'), 'owner', 'admin', team))).toBe(ErrorCode.CONFLICT);
    const twoOwners = members(['owner', 'owner'], ['owner2', 'owner']);
    expect(codeOf(() => checkRoleChange(group('owner', 'owner'), 'owner', 'member', twoOwners))).toBe('none');
  });

  it('answers 404 for a non-member and 400 in a direct conversation', () => {
    expect(codeOf(() => checkRoleChange(group('owner', 'owner'), 'stranger', 'admin', team))).toBe(ErrorCode.NOT_FOUND);
    expect(codeOf(() => checkRoleChange({ role: 'member', type: 'direct' }, 'b', 'owner', members(['a', 'member'], ['b', 'member'])))).toBe(ErrorCode.VALIDATION_FAILED);
  });
});

describe('requireGroupManager', () => {
  it('admits owners and admins of groups only', () => {
    expect(codeOf(() => requireGroupManager({ role: 'owner', type: 'group' }))).toBe('none');
    expect(codeOf(() => requireGroupManager({ role: 'admin', type: 'group' }))).toBe('none');
    expect(codeOf(() => requireGroupManager({ role: 'member', type: 'group' }))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => requireGroupManager({ role: 'member', type: 'direct' }))).toBe(ErrorCode.VALIDATION_FAILED);
  });
});
