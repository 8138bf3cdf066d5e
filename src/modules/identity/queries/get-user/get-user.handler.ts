import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { PublicUserView, toPublicUser } from '../../domain/user.views';
import { UserEntity } from '../../entities/user.entity';
import { GetUserQuery } from './get-user.query';

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: GetUserQuery): Promise<PublicUserView> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: query.id });
    if (!user) throw AppError.notFound('User');
    return toPublicUser(user);
  }
}
