import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Bulkhead } from '../../../../common/concurrency/bulkhead';
import { AppError, ErrorCode } from '../../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { pgError } from '../../../../database/db';
import { MessageSearch, SearchSort } from '../../../messaging';
import { decodeSearchCursor, encodeSearchCursor } from '../../domain/search-cursor';
import { SearchPage } from '../../domain/views';
import { SEARCH_DEFAULT_LIMIT, SearchMessagesQuery } from './search-messages.query';

const QUERY_CANCELED = '57014';

/**
 * Full-text search over what the caller may see (messaging's MessageSearch), in one
 * transaction whose statements are cut off at SEARCH_STATEMENT_TIMEOUT_MS, in a bounded pool.
 */
@QueryHandler(SearchMessagesQuery)
export class SearchMessagesHandler implements IQueryHandler<SearchMessagesQuery> {
  /** Searches are the heaviest reads: only so many hold database connections at once (SEARCH_CONCURRENCY). */
  private readonly bulkhead: Bulkhead;

  constructor(
    private readonly messages: MessageSearch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.bulkhead = new Bulkhead({
      concurrency: () => config.search.concurrency,
      queue: () => 2 * config.search.concurrency,
      maxWaitMs: config.search.statementTimeoutMs,
      busy: () => new AppError(ErrorCode.UNAVAILABLE, 'Search is busy; try again in a moment', undefined, 1000),
    });
  }

  async execute(query: SearchMessagesQuery): Promise<SearchPage> {
    const sort: SearchSort = query.sort ?? 'relevance';
    const limit = query.limit ?? SEARCH_DEFAULT_LIMIT;
    const key = query.cursor ? decodeSearchCursor(query.cursor, sort) : null;
    try {
      const { hits, hasMore } = await this.bulkhead.run(() =>
        this.messages.search({
          language: this.config.search.language,
          statementTimeoutMs: this.config.search.statementTimeoutMs,
          q: query.q,
          userId: query.actor.userId,
          conversationId: query.conversationId ?? null,
          senderId: query.senderId ?? null,
          after: query.after ?? null,
          before: query.before ?? null,
          hasAttachment: query.hasAttachment ?? null,
          sort,
          key,
          limit,
        }),
      );
      const last = hits[hits.length - 1];
      return {
        items: hits.map(({ message, highlight, rank }) => ({ message, highlight, rank })),
        nextCursor: hasMore && last ? encodeSearchCursor(sort, last.key) : null,
      };
    } catch (err) {
      if (pgError(err).code === QUERY_CANCELED) {
        throw new AppError(ErrorCode.UNAVAILABLE, 'The search took too long; add words or filters (conversationId, senderId, after, before) and try again');
      }
      throw err;
    }
  }
}
