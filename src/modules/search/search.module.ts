import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging';
import { SearchController } from './http/search.controller';
import { SearchMessagesHandler } from './queries/search-messages/search-messages.handler';
import { SearchGateway } from './ws/search.gateway';

/**
 * Message search: the query (validation, cursor, budget, pool) and its transports. It owns no
 * table: the index is messaging's, asked through messaging's MessageSearch.
 */
@Module({
  imports: [MessagingModule],
  controllers: [SearchController],
  providers: [SearchMessagesHandler, SearchGateway],
})
export class SearchModule {}
