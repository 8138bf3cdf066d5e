import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConversationAccess } from '../../domain/conversation-access';
import { MessagesRepository } from '../../repositories/messages.repository';
import { ListMessageEditsQuery, MessageEditsPage } from './list-message-edits.query';

@QueryHandler(ListMessageEditsQuery)
export class ListMessageEditsHandler implements IQueryHandler<ListMessageEditsQuery> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly messages: MessagesRepository,
  ) {}

  async execute(query: ListMessageEditsQuery): Promise<MessageEditsPage> {
    const msg = await this.access.visibleMessage(query.messageId, query.actor.userId);
    if (msg.deleted_at) return { edits: [], nextAfterVersion: null };
    const rows = await this.messages.edits(msg.id, query.afterVersion ?? 0, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      edits: page.map((r) => ({ version: r.version, content: r.content, editedAt: r.edited_at.toISOString() })),
      nextAfterVersion: rows.length > query.limit ? (page[page.length - 1]?.version ?? null) : null,
    };
  }
}
