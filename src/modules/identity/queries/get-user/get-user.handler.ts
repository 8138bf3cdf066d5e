import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { PublicUserView, toPublicUser } from '../../domain/user.views';
import { UsersRepository } from '../../repositories/users.repository';
import { GetUserQuery } from './get-user.query';

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly users: UsersRepository) {}

  async execute(query: GetUserQuery): Promise<PublicUserView> {
    const user = await this.users.findById(query.id);
    if (!user) throw AppError.notFound('User');
    return toPublicUser(user);
  }
}
