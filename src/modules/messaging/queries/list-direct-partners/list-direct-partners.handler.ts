import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { blockedBetween } from '../../domain/blocks';
import { ListDirectPartnersQuery } from './list-direct-partners.query';

/** The users to tell about this one's presence: direct-conversation partners, unless either blocked the other. */
@QueryHandler(ListDirectPartnersQuery)
export class ListDirectPartnersHandler implements IQueryHandler<ListDirectPartnersQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: ListDirectPartnersQuery): Promise<string[]> {
    const rows: { partner: string }[] = await this.dataSource.query(
      `SELECT CASE WHEN direct_user_low = $1 THEN direct_user_high ELSE direct_user_low END AS partner
         FROM conversations WHERE type = 'direct' AND (direct_user_low = $1 OR direct_user_high = $1)`,
      [query.userId],
    );
    const partners = rows.map((r) => r.partner);
    const blocked = new Set(await blockedBetween(this.dataSource.manager, query.userId, partners));
    return partners.filter((id) => !blocked.has(id));
  }
}
