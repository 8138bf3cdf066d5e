import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { MessagingReadModel } from '../../domain/read-model';
import { ReceiptView } from '../../domain/views';
import { ListReceiptsQuery } from './list-receipts.query';

@QueryHandler(ListReceiptsQuery)
export class ListReceiptsHandler implements IQueryHandler<ListReceiptsQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
  ) {}

  async execute(query: ListReceiptsQuery): Promise<ReceiptView[]> {
    await this.readModel.requireMember(query.conversationId, query.actor.userId);
    const rows: { user_id: string; last_read_seq: string; last_delivered_seq: string }[] = await this.dataSource.query(
      `SELECT user_id, last_read_seq, last_delivered_seq FROM conversation_members WHERE conversation_id = $1 ORDER BY joined_at, user_id`,
      [query.conversationId],
    );
    return rows.map((r) => ({ userId: r.user_id, lastReadSeq: Number(r.last_read_seq), lastDeliveredSeq: Number(r.last_delivered_seq) }));
  }
}
