import { UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { WsExceptionFilter } from '../../../common/errors/ws-exception.filter';
import { WsRateLimitGuard } from '../../../common/ws/ws-rate-limit.guard';
import { WsUserConcurrencyInterceptor } from '../../../common/rate-limit/user-concurrency';
import { WsDrainGuard, WsInFlightInterceptor } from '../../../common/ws/ws-drain.interceptor';
import { WsAckOk, WsActor, wsOk } from '../../../common/ws/ws-auth';
import { PrivateUserView } from '../domain/user.views';
import { GetMeQuery } from '../queries/get-me/get-me.query';

/** Socket.IO events of the identity module; the same queries as the REST controller. */
@WebSocketGateway()
@UseFilters(WsExceptionFilter)
@UseGuards(WsDrainGuard, WsRateLimitGuard)
@UseInterceptors(WsInFlightInterceptor, WsUserConcurrencyInterceptor)
export class IdentityGateway {
  constructor(private readonly queries: QueryBus) {}

  @SubscribeMessage('me')
  async me(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<PrivateUserView>> {
    return wsOk(await this.queries.execute(GetMeQuery.create(payload, { actor })));
  }
}
