import { RealtimeEmitter } from '../../realtime/realtime-emitter';
import { MessageView } from '../domain/views';
import { MemberRemovedEvent, MessageDeletedEvent, MessageSentEvent, ReactionChangedEvent, TypingEvent } from '../events/messaging.events';
import { MessagingFanout } from './messaging.fanout';

describe('MessagingFanout', () => {
  const emitted: [string[], string, unknown][] = [];
  const emitter = {
    toUsers: (ids: readonly string[], event: string, payload: unknown): void => {
      emitted.push([[...ids], event, payload]);
    },
  } as unknown as RealtimeEmitter;
  const fanout = new MessagingFanout(emitter);
  beforeEach(() => emitted.splice(0));

  it('sends message.created to every member, the sender included', () => {
    const message = { id: 'm1', conversationId: 'c1', seq: 3, senderId: 'a' } as MessageView;
    fanout.handle(new MessageSentEvent(message, ['a', 'b', 'c']));
    expect(emitted).toEqual([[['a', 'b', 'c'], 'message.created', message]]);
  });

  it('shapes deletes and reactions as the contract says', () => {
    fanout.handle(new MessageDeletedEvent('m1', 'c1', 3, 'a', ['a', 'b']));
    fanout.handle(new ReactionChangedEvent('removed', 'm1', 'c1', '👍', 'b', ['a', 'b']));
    expect(emitted).toEqual([
      [['a', 'b'], 'message.deleted', { id: 'm1', conversationId: 'c1', seq: 3 }],
      [['a', 'b'], 'reaction.removed', { messageId: 'm1', conversationId: 'c1', emoji: '👍', userId: 'b' }],
    ]);
  });

  it('tells the removed member once, with the remaining members', () => {
    fanout.handle(new MemberRemovedEvent('c1', 'gone', ['a', 'b'], false));
    expect(emitted).toEqual([[['a', 'b', 'gone'], 'conversation.member_removed', { conversationId: 'c1', userId: 'gone' }]]);
  });

  it('sends typing to the given recipients only', () => {
    fanout.handle(new TypingEvent('c1', 'a', true, ['b']));
    expect(emitted).toEqual([[['b'], 'typing', { conversationId: 'c1', userId: 'a', isTyping: true }]]);
  });
});
