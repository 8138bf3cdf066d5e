import { Module } from '@nestjs/common';
import { MessagingReadModel } from '../messaging/domain/read-model';
import { SearchLanguageCheck } from './domain/search-language';
import { SearchController } from './http/search.controller';
import { SearchMessagesHandler } from './queries/search-messages/search-messages.handler';
import { SearchGateway } from './ws/search.gateway';

/**
 * Message search: a module of its own that reads through the query bus. It reuses the
 * messaging module's read model (stateless) so that hits carry the same Message view.
 */
@Module({
  controllers: [SearchController],
  providers: [SearchMessagesHandler, SearchGateway, SearchLanguageCheck, MessagingReadModel],
})
export class SearchModule {}
