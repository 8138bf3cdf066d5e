import { EventBus } from '@nestjs/cqrs';
import { ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { Db, Tx } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { Member } from '../../domain/membership-rules';
import { ConversationUpdatedEvent, MemberRemovedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MembershipRow, MembershipsRepository } from '../../repositories/memberships.repository';
import { RemoveMemberCommand } from './remove-member.command';
import { RemoveMemberHandler } from './remove-member.handler';

const conversationId = '0190c7c0-0000-7000-8000-0000000000c1';
const id = (n: number) => `0190c7c0-0000-7000-8000-0000000000${String(n).padStart(2, '0')}`;
const [OWNER, ADMIN, MEMBER] = [id(1), id(2), id(3)];

/** One group in memory; the handler's writes land in `members` and `deleted`. */
function harness(initial: Member[]) {
  let members = [...initial];
  let deleted = false;
  const tx = {} as Tx;
  const db = { transaction: <T>(work: (t: Tx) => Promise<T>) => work(tx) } as unknown as Db;
  const access = {
    lockAsMember: (_c: string, userId: string) => {
      const me = members.find((m) => m.user_id === userId);
      return me ? Promise.resolve({ user_id: me.user_id, role: me.role, type: 'group' } as MembershipRow) : Promise.reject(new Error('not a member'));
    },
  } as unknown as ConversationAccess;
  const memberships = {
    listByJoin: () => Promise.resolve(members),
    delete: (_c: string, userId: string) => {
      members = members.filter((m) => m.user_id !== userId);
      return Promise.resolve();
    },
    setRole: (_c: string, userId: string, role: Member['role']) => {
      members = members.map((m) => (m.user_id === userId ? { ...m, role } : m));
      return Promise.resolve(true);
    },
  } as unknown as MembershipsRepository;
  const conversations = {
    delete: () => {
      deleted = true;
      return Promise.resolve();
    },
    touchActivity: jest.fn(() => Promise.resolve()),
  } as unknown as ConversationsRepository;
  const audience = { ofConversation: () => Promise.resolve(members.map((m) => m.user_id)) } as unknown as Audience;
  const events = { publish: jest.fn() } as unknown as EventBus;
  const handler = new RemoveMemberHandler(db, access, conversations, memberships, audience, events);
  const remove = (actor: string, target: string) => handler.execute(RemoveMemberCommand.create({ conversationId, userId: target }, { actor: { userId: actor } }));
  return { remove, events, state: () => ({ members, deleted }) };
}

describe('RemoveMemberHandler', () => {
  it('writes the hand-over when the last owner leaves, and tells those who remain', async () => {
    const h = harness([
      { user_id: OWNER, role: 'owner' },
      { user_id: MEMBER, role: 'member' },
      { user_id: ADMIN, role: 'admin' },
    ]);
    await h.remove(OWNER, OWNER);
    expect(h.state()).toEqual({ deleted: false, members: [{ user_id: MEMBER, role: 'member' }, { user_id: ADMIN, role: 'owner' }] });
    expect(h.events.publish).toHaveBeenCalledWith(new MemberRemovedEvent(conversationId, OWNER, [MEMBER, ADMIN], false));
    expect(h.events.publish).toHaveBeenCalledWith(new ConversationUpdatedEvent(conversationId, [MEMBER, ADMIN]));
  });

  it('deletes the group with its last member and sends no conversation.updated', async () => {
    const h = harness([{ user_id: OWNER, role: 'owner' }]);
    await h.remove(OWNER, OWNER);
    expect(h.state()).toEqual({ deleted: true, members: [] });
    expect(h.events.publish).toHaveBeenCalledTimes(1);
    expect(h.events.publish).toHaveBeenCalledWith(new MemberRemovedEvent(conversationId, OWNER, [], true));
  });

  it('changes nothing and publishes nothing when refused', async () => {
    const h = harness([
      { user_id: OWNER, role: 'owner' },
      { user_id: ADMIN, role: 'admin' },
      { user_id: MEMBER, role: 'member' },
    ]);
    expect((await appErrorOf(h.remove(ADMIN, OWNER))).code).toBe(ErrorCode.FORBIDDEN);
    expect((await appErrorOf(h.remove(MEMBER, ADMIN))).code).toBe(ErrorCode.FORBIDDEN);
    expect(h.state().members).toHaveLength(3);
    expect(h.events.publish).not.toHaveBeenCalled();
  });
});
