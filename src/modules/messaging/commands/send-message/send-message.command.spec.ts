import { AppError } from '../../../../common/errors/app-error';
import { SendMessageCommand } from './send-message.command';

const conversationId = '0190c7c0-0000-7000-8000-0000000000aa';
const actor = { userId: '0190c7c0-0000-7000-8000-0000000000bb' };

function fields(input: object): string[] {
  try {
    SendMessageCommand.create(input, { actor });
    return [];
  } catch (e) {
    if (e instanceof AppError) return (e.details ?? []).map((d) => d.field);
    throw e;
  }
}

describe('SendMessageCommand', () => {
  it('trims content and keeps the client id', () => {
    const cmd = SendMessageCommand.create({ conversationId, content: '  hi there \n', clientMessageId: 'abc_DEF-123' }, { actor });
    expect(cmd.content).toBe('hi there');
    expect(cmd.clientMessageId).toBe('abc_DEF-123');
    expect(cmd.actor).toBe(actor);
  });

  it('cannot be built without the actor it declares (a compile-time rule)', () => {
    // @ts-expect-error the context { actor } is required
    const built = () => SendMessageCommand.create({ conversationId, content: 'hi', clientMessageId: 'a' });
    // @ts-expect-error an actor must be an Actor
    const wrong = () => SendMessageCommand.create({ conversationId, content: 'hi', clientMessageId: 'a' }, { actor: 'someone' });
    expect([typeof built, typeof wrong]).toEqual(['function', 'function']);
  });

  it('requires 1–10000 characters of content after trimming unless attachments are given', () => {
    expect(fields({ conversationId, content: '   ', clientMessageId: 'a' })).toEqual(['content']);
    expect(fields({ conversationId, clientMessageId: 'a' })).toEqual(['content']);
    expect(fields({ conversationId, content: 'x'.repeat(10_001), clientMessageId: 'a' })).toEqual(['content']);
    expect(fields({ conversationId, content: 'x'.repeat(10_000), clientMessageId: 'a' })).toEqual([]);
    expect(fields({ conversationId, clientMessageId: 'a', attachmentIds: [conversationId] })).toEqual([]);
  });

  it('validates clientMessageId, ids and unknown fields', () => {
    expect(fields({ conversationId, content: 'x', clientMessageId: '' })).toEqual(['clientMessageId']);
    expect(fields({ conversationId, content: 'x', clientMessageId: 'a'.repeat(65) })).toEqual(['clientMessageId']);
    expect(fields({ conversationId, content: 'x', clientMessageId: 'has space' })).toEqual(['clientMessageId']);
    expect(fields({ conversationId: 'nope', content: 'x', clientMessageId: 'a' })).toEqual(['conversationId']);
    expect(fields({ conversationId, content: 'x', clientMessageId: 'a', replyToId: 'nope' })).toEqual(['replyToId']);
    expect(fields({ conversationId, content: 'x', clientMessageId: 'a', senderId: conversationId })).toEqual(['senderId']);
  });
});
