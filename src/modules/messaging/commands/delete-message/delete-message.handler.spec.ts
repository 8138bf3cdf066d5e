import { EventBus } from '@nestjs/cqrs';
import { ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { Db, Tx } from '../../../../database/db';
import { AuditEntry, AuditLog } from '../../../audit';
import { IdentityDirectory } from '../../../identity';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { MessageDeletedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MessagesRepository, MessageWithMembership } from '../../repositories/messages.repository';
import { DeleteMessageCommand } from './delete-message.command';
import { deleteCapacity, DeleteMessageHandler } from './delete-message.handler';

const SENDER = 'sender';
const msg = (role: 'owner' | 'admin' | 'member' | null, type: 'group' | 'direct' = 'group') => ({ sender_id: SENDER, role, type });

describe('deleteCapacity (who may delete a message, and as what)', () => {
  it('lets the sender delete their own message, as sender even when they moderate the group', () => {
    expect(deleteCapacity(msg('member'), SENDER, false)).toBe('sender');
    expect(deleteCapacity(msg('owner'), SENDER, true)).toBe('sender');
    expect(deleteCapacity(msg('member', 'direct'), SENDER, false)).toBe('sender');
  });

  it("lets a group's owner and admins delete others' messages", () => {
    expect(deleteCapacity(msg('owner'), 'moderator', false)).toBe('owner');
    expect(deleteCapacity(msg('admin'), 'moderator', false)).toBe('admin');
  });

  it('refuses other members, and moderators in a direct conversation (there are none)', () => {
    expect(deleteCapacity(msg('member'), 'someone', false)).toBeNull();
    expect(deleteCapacity(msg('owner', 'direct'), 'someone', false)).toBeNull();
  });

  it('lets a system administrator delete any message, member or not; a group role comes first', () => {
    expect(deleteCapacity(msg(null), 'root', true)).toBe('system_admin');
    expect(deleteCapacity(msg('member'), 'root', true)).toBe('system_admin');
    expect(deleteCapacity(msg(null, 'direct'), 'root', true)).toBe('system_admin');
    expect(deleteCapacity(msg('admin'), 'root', true)).toBe('admin');
  });
});

const conversationId = '0190c7c0-0000-7000-8000-0000000000c1';
const messageId = '0190c7c0-0000-7000-8000-0000000000d1';
const uid = (n: number) => `0190c7c0-0000-7000-8000-0000000000${String(n).padStart(2, '0')}`;

/** One message; the viewer's role is given per actor; writes and audit entries are recorded. */
function handlerFor(opts: { roles: Record<string, MessageWithMembership['role']>; admins?: string[]; deleted?: boolean; type?: 'group' | 'direct' }) {
  const tx = {} as Tx;
  const db = { transaction: <T>(work: (t: Tx) => Promise<T>) => work(tx) } as unknown as Db;
  const row = (viewer: string): MessageWithMembership => ({
    id: messageId,
    conversation_id: conversationId,
    seq: '7',
    sender_id: uid(1),
    client_message_id: 'c',
    content: opts.deleted ? null : 'text',
    reply_to_id: null,
    version: 1,
    created_at: new Date(),
    edited_at: null,
    deleted_at: opts.deleted ? new Date() : null,
    role: opts.roles[viewer] ?? null,
    joined_seq: opts.roles[viewer] ? '0' : null,
    type: opts.type ?? 'group',
  });
  const lockCalls: { userId: string; systemAdmin: boolean }[] = [];
  const access = {
    lockMessage: (_m: string, userId: string, _tx: Tx, systemAdmin = false) => {
      lockCalls.push({ userId, systemAdmin });
      if (!opts.roles[userId] && !systemAdmin) return Promise.reject(new Error('404'));
      return Promise.resolve(row(userId));
    },
  } as unknown as ConversationAccess;
  const tombstoned: string[] = [];
  const messages = { tombstone: (id: string, by: string) => Promise.resolve(void tombstoned.push(`${id} by ${by}`)) } as unknown as MessagesRepository;
  const conversations = { touchChanged: () => Promise.resolve() } as unknown as ConversationsRepository;
  const audience = { ofMessage: () => Promise.resolve([uid(1), uid(2)]) } as unknown as Audience;
  const directory = { isActiveAdmin: (id: string) => Promise.resolve((opts.admins ?? []).includes(id)) } as unknown as IdentityDirectory;
  const audited: AuditEntry[] = [];
  const audit = { record: (entry: AuditEntry) => Promise.resolve(void audited.push(entry)) } as unknown as AuditLog;
  const events = { publish: jest.fn() } as unknown as EventBus & { publish: jest.Mock };
  const handler = new DeleteMessageHandler(db, access, messages, conversations, audience, directory, audit, events);
  const del = (actor: string) => handler.execute(DeleteMessageCommand.create({ messageId }, { actor: { userId: actor } }));
  return { del, tombstoned, audited, events, lockCalls };
}

describe('DeleteMessageHandler', () => {
  it("a sender's delete leaves a tombstone, tells those who see the message and writes no audit entry", async () => {
    const h = handlerFor({ roles: { [uid(1)]: 'member' } });
    await expect(h.del(uid(1))).resolves.toEqual({ id: messageId });
    expect(h.tombstoned).toEqual([`${messageId} by ${uid(1)}`]);
    expect(h.audited).toEqual([]);
    expect(h.events.publish).toHaveBeenCalledWith(new MessageDeletedEvent(messageId, conversationId, 7, uid(1), [uid(1), uid(2)]));
  });

  it("a group admin's delete is audited with the sender, the seq and the capacity", async () => {
    const h = handlerFor({ roles: { [uid(2)]: 'admin' } });
    await h.del(uid(2));
    expect(h.audited).toEqual([
      { actorId: uid(2), action: 'message.delete', targetType: 'message', targetId: messageId, conversationId, details: { senderId: uid(1), seq: 7, as: 'admin' } },
    ]);
  });

  it('a system administrator who is not a member may delete, as system_admin', async () => {
    const h = handlerFor({ roles: {}, admins: [uid(9)] });
    await h.del(uid(9));
    expect(h.lockCalls).toEqual([{ userId: uid(9), systemAdmin: true }]);
    expect(h.audited[0].details).toEqual({ senderId: uid(1), seq: 7, as: 'system_admin' });
  });

  it('a plain member gets 403 and nothing changes', async () => {
    const h = handlerFor({ roles: { [uid(3)]: 'member' } });
    expect((await appErrorOf(h.del(uid(3)))).code).toBe(ErrorCode.FORBIDDEN);
    expect(h.tombstoned).toEqual([]);
    expect(h.audited).toEqual([]);
    expect(h.events.publish).not.toHaveBeenCalled();
  });

  it('deleting a deleted message changes nothing and tells no one', async () => {
    const h = handlerFor({ roles: { [uid(2)]: 'owner' }, deleted: true });
    await expect(h.del(uid(2))).resolves.toEqual({ id: messageId });
    expect(h.tombstoned).toEqual([]);
    expect(h.audited).toEqual([]);
    expect(h.events.publish).not.toHaveBeenCalled();
  });
});
