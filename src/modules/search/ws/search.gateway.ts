import { UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { WsExceptionFilter } from '../../../common/errors/ws-exception.filter';
import { WsAckOk, WsActor, wsOk } from '../../../common/ws/ws-auth';
import { WsRateLimitGuard } from '../../../common/ws/ws-rate-limit.guard';
import { WsUserConcurrencyInterceptor } from '../../../common/rate-limit/user-concurrency';
import { WsDrainGuard, WsInFlightInterceptor } from '../../../common/ws/ws-drain.interceptor';
import { SearchPage } from '../domain/views';
import { SearchMessagesQuery } from '../queries/search-messages/search-messages.query';

/** `messages.search`: the same query object and answer as GET /v1/search/messages. */
@WebSocketGateway()
@UseFilters(WsExceptionFilter)
@UseGuards(WsDrainGuard, WsRateLimitGuard)
@UseInterceptors(WsInFlightInterceptor, WsUserConcurrencyInterceptor)
export class SearchGateway {
  constructor(private readonly queries: QueryBus) {}

  @SubscribeMessage('messages.search')
  async search(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<SearchPage>> {
    return wsOk(await this.queries.execute(SearchMessagesQuery.create(payload, { actor })));
  }
}
