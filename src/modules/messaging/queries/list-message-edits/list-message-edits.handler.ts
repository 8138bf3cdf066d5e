import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { MessagingReadModel } from '../../domain/read-model';
import { ListMessageEditsQuery, MessageEditsPage } from './list-message-edits.query';

@QueryHandler(ListMessageEditsQuery)
export class ListMessageEditsHandler implements IQueryHandler<ListMessageEditsQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
  ) {}

  async execute(query: ListMessageEditsQuery): Promise<MessageEditsPage> {
    const msg = await this.readModel.requireVisibleMessage(query.messageId, query.actor.userId);
    if (msg.deleted_at) return { edits: [], nextAfterVersion: null };
    const rows: { version: number; content: string; edited_at: Date }[] = await this.dataSource.query(
      `SELECT version, content, edited_at FROM message_edits WHERE message_id = $1 AND version > $2 ORDER BY version ASC LIMIT $3`,
      [msg.id, query.afterVersion ?? 0, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    return {
      edits: page.map((r) => ({ version: r.version, content: r.content, editedAt: r.edited_at.toISOString() })),
      nextAfterVersion: rows.length > query.limit ? (page[page.length - 1]?.version ?? null) : null,
    };
  }
}
