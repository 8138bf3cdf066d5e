import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { ListDirectPartnersQuery } from './list-direct-partners.query';

@QueryHandler(ListDirectPartnersQuery)
export class ListDirectPartnersHandler implements IQueryHandler<ListDirectPartnersQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: ListDirectPartnersQuery): Promise<string[]> {
    const rows: { partner: string }[] = await this.dataSource.query(
      `SELECT CASE WHEN direct_user_low = $1 THEN direct_user_high ELSE direct_user_low END AS partner
         FROM conversations WHERE type = 'direct' AND (direct_user_low = $1 OR direct_user_high = $1)`,
      [query.userId],
    );
    return rows.map((r) => r.partner);
  }
}
