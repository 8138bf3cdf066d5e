import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { decodeCursor, Page, toPage } from '../../../../common/pagination/cursor';
import { PublicUserView, toPublicUser } from '../../domain/user.views';
import { UserEntity } from '../../entities/user.entity';
import { SearchUsersQuery } from './search-users.query';

/** Username-prefix search, keyset-paged on the username (served by its text_pattern_ops index). */
@QueryHandler(SearchUsersQuery)
export class SearchUsersHandler implements IQueryHandler<SearchUsersQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: SearchUsersQuery): Promise<Page<PublicUserView>> {
    const after = query.cursor ? decodeCursor(query.cursor, { u: /^[a-z0-9_.]{1,32}$/ }).u : null;
    // q is [a-z0-9_.] only; "_" is a LIKE wildcard, so escape it.
    const pattern = `${query.q.replace(/_/g, '\\_')}%`;
    const qb = this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where(`lower(u.username) LIKE :pattern`, { pattern })
      .andWhere('u.banned_at IS NULL')
      .orderBy(`lower(u.username)`, 'ASC')
      .limit(query.limit + 1);
    if (after !== null) qb.andWhere(`lower(u.username) ~>~ :after`, { after });
    const rows = await qb.getMany();
    return toPage(rows, query.limit, toPublicUser, (u) => ({ u: u.username }));
  }
}
