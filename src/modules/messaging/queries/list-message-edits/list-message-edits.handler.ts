import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { MessagingReadModel } from '../../domain/read-model';
import { MessageEditView } from '../../domain/views';
import { ListMessageEditsQuery } from './list-message-edits.query';

@QueryHandler(ListMessageEditsQuery)
export class ListMessageEditsHandler implements IQueryHandler<ListMessageEditsQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
  ) {}

  async execute(query: ListMessageEditsQuery): Promise<MessageEditView[]> {
    const msg = await this.readModel.requireVisibleMessage(query.messageId, query.actor.userId);
    if (msg.deleted_at) return [];
    const rows: { version: number; content: string; edited_at: Date }[] = await this.dataSource.query(
      `SELECT version, content, edited_at FROM message_edits WHERE message_id = $1 ORDER BY version ASC`,
      [msg.id],
    );
    return rows.map((r) => ({ version: r.version, content: r.content, editedAt: r.edited_at.toISOString() }));
  }
}
