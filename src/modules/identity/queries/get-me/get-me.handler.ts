import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { PrivateUserView, toPrivateUser } from '../../domain/user.views';
import { UsersRepository } from '../../repositories/users.repository';
import { GetMeQuery } from './get-me.query';

@QueryHandler(GetMeQuery)
export class GetMeHandler implements IQueryHandler<GetMeQuery> {
  constructor(private readonly users: UsersRepository) {}

  async execute(query: GetMeQuery): Promise<PrivateUserView> {
    const user = await this.users.findById(query.actor.userId);
    if (!user) throw AppError.unauthenticated('The account no longer exists');
    return toPrivateUser(user);
  }
}
