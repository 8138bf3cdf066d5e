import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConversationAccess } from '../../domain/conversation-access';
import { ReceiptView } from '../../domain/views';
import { MembershipsRepository } from '../../repositories/memberships.repository';
import { ListReceiptsQuery } from './list-receipts.query';

@QueryHandler(ListReceiptsQuery)
export class ListReceiptsHandler implements IQueryHandler<ListReceiptsQuery> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly memberships: MembershipsRepository,
  ) {}

  async execute(query: ListReceiptsQuery): Promise<ReceiptView[]> {
    await this.access.member(query.conversationId, query.actor.userId);
    const rows = await this.memberships.receipts(query.conversationId);
    return rows.map((r) => ({ userId: r.user_id, lastReadSeq: Number(r.last_read_seq), lastDeliveredSeq: Number(r.last_delivered_seq) }));
  }
}
