import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, Page, toPage } from '../../../../common/pagination/cursor';
import { PublicUserView, toPublicUser } from '../../domain/user.views';
import { UsersRepository } from '../../repositories/users.repository';
import { SearchUsersQuery } from './search-users.query';

/** Username-prefix search, keyset-paged on the username. */
@QueryHandler(SearchUsersQuery)
export class SearchUsersHandler implements IQueryHandler<SearchUsersQuery> {
  constructor(private readonly users: UsersRepository) {}

  async execute(query: SearchUsersQuery): Promise<Page<PublicUserView>> {
    const after = query.cursor ? decodeCursor(query.cursor, { u: /^[a-z0-9_.]{1,32}$/ }).u : null;
    const rows = await this.users.searchByUsernamePrefix(query.q, after, query.limit + 1);
    return toPage(rows, query.limit, toPublicUser, (u) => ({ u: u.username }));
  }
}
