import { EventBus } from '@nestjs/cqrs';
import { ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { Db, Tx } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { Member } from '../../domain/membership-rules';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationUpdatedEvent } from '../../events/messaging.events';
import { MembershipRow, MembershipsRepository } from '../../repositories/memberships.repository';
import { ChangeMemberRoleCommand } from './change-member-role.command';
import { ChangeMemberRoleHandler } from './change-member-role.handler';

const conversationId = '0190c7c0-0000-7000-8000-0000000000c1';
const [OWNER, OWNER2, ADMIN, MEMBER] = [1, 2, 3, 4].map((n) => `0190c7c0-0000-7000-8000-0000000000${String(n).padStart(2, '0')}`);

function harness(initial: Member[]) {
  let members = [...initial];
  const tx = {} as Tx;
  const db = { transaction: <T>(work: (t: Tx) => Promise<T>) => work(tx) } as unknown as Db;
  const access = {
    lockAsMember: (_c: string, userId: string) => {
      const me = members.find((m) => m.user_id === userId);
      return Promise.resolve({ user_id: userId, role: me?.role, type: 'group' } as MembershipRow);
    },
  } as unknown as ConversationAccess;
  const memberships = {
    listByJoin: () => Promise.resolve(members),
    setRole: (_c: string, userId: string, role: Member['role']) => {
      members = members.map((m) => (m.user_id === userId ? { ...m, role } : m));
      return Promise.resolve(true);
    },
  } as unknown as MembershipsRepository;
  const audience = { ofConversation: () => Promise.resolve(members.map((m) => m.user_id)) } as unknown as Audience;
  const views = { conversation: () => Promise.resolve({ id: conversationId }) } as unknown as MessagingViews;
  const events = { publish: jest.fn() } as unknown as EventBus & { publish: jest.Mock };
  const handler = new ChangeMemberRoleHandler(db, access, memberships, audience, views, events);
  const change = (actor: string, userId: string, role: Member['role']) =>
    handler.execute(ChangeMemberRoleCommand.create({ conversationId, userId, role }, { actor: { userId: actor } }));
  return { change, events, roles: () => Object.fromEntries(members.map((m) => [m.user_id, m.role])) };
}

describe('ChangeMemberRoleHandler', () => {
  const team: Member[] = [
    { user_id: OWNER, role: 'owner' },
    { user_id: ADMIN, role: 'admin' },
    { user_id: MEMBER, role: 'member' },
  ];

  it('an owner promotes a member and every member hears of it', async () => {
    const h = harness(team);
    await h.change(OWNER, MEMBER, 'admin');
    expect(h.roles()[MEMBER]).toBe('admin');
    expect(h.events.publish).toHaveBeenCalledWith(new ConversationUpdatedEvent(conversationId, [OWNER, ADMIN, MEMBER]));
  });

  it('an owner hands over: promotes another owner, then steps down', async () => {
    const h = harness(team);
    await h.change(OWNER, ADMIN, 'owner');
    await h.change(OWNER, OWNER, 'member');
    expect(h.roles()).toEqual({ [OWNER]: 'member', [ADMIN]: 'owner', [MEMBER]: 'member' });
  });

  it('the only owner cannot step down (409); an admin cannot change roles (403); nothing changes', async () => {
    const h = harness(team);
    expect((await appErrorOf(h.change(OWNER, OWNER, 'admin'))).code).toBe(ErrorCode.CONFLICT);
    expect((await appErrorOf(h.change(ADMIN, MEMBER, 'admin'))).code).toBe(ErrorCode.FORBIDDEN);
    expect(h.roles()).toEqual({ [OWNER]: 'owner', [ADMIN]: 'admin', [MEMBER]: 'member' });
    expect(h.events.publish).not.toHaveBeenCalled();
  });

  it('one of two owners may step down', async () => {
    const h = harness([...team, { user_id: OWNER2, role: 'owner' }]);
    await h.change(OWNER2, OWNER2, 'member');
    expect(h.roles()[OWNER2]).toBe('member');
  });
});
