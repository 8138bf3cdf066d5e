import { EventBus } from '@nestjs/cqrs';
import { ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { Audience } from '../../domain/audience';
import { MessagingViews } from '../../domain/messaging-views';
import { MessageRow } from '../../domain/views';
import { MessageSentEvent } from '../../events/messaging.events';
import { MessagesRepository, SendOutcome } from '../../repositories/messages.repository';
import { SendMessageCommand } from './send-message.command';
import { SendMessageHandler } from './send-message.handler';

const conversationId = '0190c7c0-0000-7000-8000-0000000000c1';
const actor = { userId: '0190c7c0-0000-7000-8000-0000000000a1', role: 'user' as const };

const row = (seq: number, content = 'hi'): MessageRow => ({
  id: `0190c7c0-0000-7000-8000-00000000${String(seq).padStart(4, '0')}`,
  conversation_id: conversationId,
  seq,
  sender_id: actor.userId,
  client_message_id: 'cm-1',
  content,
  reply_to_id: null,
  version: 1,
  created_at: '2026-11-22T03:00:00.000Z',
  edited_at: null,
  deleted_at: null,
});

/** The send statement answers `outcome` (or throws); the audience read after commit answers or fails. */
function harness(outcome: SendOutcome | Error, original?: MessageRow, audienceFails = false) {
  const messages = {
    send: jest.fn(() => (outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome))),
    original: jest.fn(() => Promise.resolve(original)),
  } as unknown as MessagesRepository;
  const audience = {
    ofMessage: jest.fn(() => (audienceFails ? Promise.reject(new Error('timeout exceeded when trying to connect')) : Promise.resolve([actor.userId, 'other']))),
  } as unknown as Audience;
  const views = { message: jest.fn((r: MessageRow) => Promise.resolve({ id: r.id, seq: Number(r.seq) })) } as unknown as MessagingViews;
  const events = { publish: jest.fn() } as unknown as EventBus;
  return { handler: new SendMessageHandler(messages, audience, views, events), events, messages };
}

const cmd = (extra: object = {}) => SendMessageCommand.create({ conversationId, content: 'hi', clientMessageId: 'cm-1', ...extra }, { actor });
const base: SendOutcome = { conv_type: 'group', is_member: true, blocked: false, reply_ok: false, inserted: row(7), existing: null, snapshot_recipients: [actor.userId, 'seen-in-statement'] };

describe('SendMessageHandler', () => {
  it('returns a new message and publishes MessageSent to the members read after commit', async () => {
    const h = harness(base);
    const result = await h.handler.execute(cmd());
    expect(result.created).toBe(true);
    expect(result.message).toMatchObject({ seq: 7, content: 'hi', conversationId });
    expect(h.events.publish).toHaveBeenCalledWith(new MessageSentEvent(result.message, [actor.userId, 'other']));
  });

  it("answers a committed send as created even when the recipients cannot be read after commit (the statement's own list serves)", async () => {
    const h = harness(base, undefined, true);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await h.handler.execute(cmd());
    expect(result.created).toBe(true);
    expect(h.events.publish).toHaveBeenCalledWith(new MessageSentEvent(result.message, [actor.userId, 'seen-in-statement']));
  });

  it('returns the original for a retry, publishing nothing', async () => {
    const h = harness({ ...base, inserted: null, existing: row(3, 'first text') });
    const result = await h.handler.execute(cmd());
    expect(result).toEqual({ created: false, message: { id: row(3).id, seq: 3 } });
    expect(h.events.publish).not.toHaveBeenCalled();
  });

  it('returns the original when a concurrent identical retry wins the unique index', async () => {
    const duplicate = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'messages_client_message_id_key' });
    const h = harness(duplicate, row(4));
    expect(await h.handler.execute(cmd())).toEqual({ created: false, message: { id: row(4).id, seq: 4 } });
    expect(h.events.publish).not.toHaveBeenCalled();
  });

  it('passes any other database error on', async () => {
    const h = harness(Object.assign(new Error('deadlock'), { code: '40P01' }));
    await expect(h.handler.execute(cmd())).rejects.toThrow('deadlock');
  });

  it.each([
    ['an unknown conversation', { conv_type: null, is_member: false, inserted: null }, ErrorCode.NOT_FOUND],
    ['a non-member', { is_member: false, inserted: null }, ErrorCode.NOT_FOUND],
    ['a blocked direct pair', { conv_type: 'direct', blocked: true, inserted: null }, ErrorCode.FORBIDDEN],
    ['a conversation deleted while waiting', { inserted: null }, ErrorCode.NOT_FOUND],
  ])('refuses %s', async (_name, patch, code) => {
    const h = harness({ ...base, ...(patch as Partial<SendOutcome>) });
    expect((await appErrorOf(h.handler.execute(cmd()))).code).toBe(code);
    expect(h.events.publish).not.toHaveBeenCalled();
  });

  it('refuses a reply target outside the conversation, and attachments before touching the database', async () => {
    expect((await appErrorOf(harness({ ...base, inserted: null }).handler.execute(cmd({ replyToId: conversationId })))).code).toBe(ErrorCode.NOT_FOUND);
    const h = harness(base);
    expect((await appErrorOf(h.handler.execute(cmd({ attachmentIds: [conversationId] })))).code).toBe(ErrorCode.NOT_FOUND);
    expect(h.messages.send).not.toHaveBeenCalled();
  });
});
