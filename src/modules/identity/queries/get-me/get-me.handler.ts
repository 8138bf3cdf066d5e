import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { PrivateUserView, toPrivateUser } from '../../domain/user.views';
import { UserEntity } from '../../entities/user.entity';
import { GetMeQuery } from './get-me.query';

@QueryHandler(GetMeQuery)
export class GetMeHandler implements IQueryHandler<GetMeQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: GetMeQuery): Promise<PrivateUserView> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: query.actor.userId });
    if (!user) throw AppError.unauthenticated('The account no longer exists');
    return toPrivateUser(user);
  }
}
