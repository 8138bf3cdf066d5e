import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { pgError } from '../../../../database/prepared';
import { Bulkhead } from '../../../../common/concurrency/bulkhead';
import { queryRows } from '../../../../database/query-rows';
import { MessagingReadModel } from '../../../messaging/domain/read-model';
import { toHighlight } from '../../domain/highlight';
import { decodeSearchCursor, encodeSearchCursor } from '../../domain/search-cursor';
import { runSearch, SearchRow, SearchSort } from '../../domain/search-sql';
import { SearchPage } from '../../domain/views';
import { SEARCH_DEFAULT_LIMIT, SearchMessagesQuery } from './search-messages.query';

const QUERY_CANCELED = '57014';

/**
 * Full-text search over what the caller may see, in one transaction whose statements are
 * cut off at SEARCH_STATEMENT_TIMEOUT_MS. Then one more query for the page's reactions,
 * so each hit's `message` is exactly the Message of every other endpoint.
 */
@QueryHandler(SearchMessagesQuery)
export class SearchMessagesHandler implements IQueryHandler<SearchMessagesQuery> {
  /** Searches are the heaviest reads: only so many hold database connections at once (SEARCH_CONCURRENCY). */
  private readonly bulkhead: Bulkhead;

  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
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
    const userId = query.actor.userId;
    let rows: SearchRow[];
    try {
      rows = await this.bulkhead.run(() => this.dataSource.transaction((manager) =>
        runSearch(<T>(sql: string, params: unknown[]) => queryRows<T>(manager, sql, params), {
          language: this.config.search.language,
          statementTimeoutMs: this.config.search.statementTimeoutMs,
          q: query.q,
          userId,
          conversationId: query.conversationId ?? null,
          senderId: query.senderId ?? null,
          after: query.after ?? null,
          before: query.before ?? null,
          hasAttachment: query.hasAttachment ?? null,
          sort,
          key,
          limit,
        }),
      ));
    } catch (err) {
      if (pgError(err).code === QUERY_CANCELED) {
        throw new AppError(ErrorCode.UNAVAILABLE, 'The search took too long; add words or filters (conversationId, senderId, after, before) and try again');
      }
      throw err;
    }
    const kept = rows.slice(0, limit);
    const messages = await this.readModel.toMessages(kept, userId);
    const last = kept[kept.length - 1];
    return {
      items: kept.map((row, i) => ({ message: messages[i], highlight: toHighlight(row.content ?? '', row.headline), rank: Number(row.rank_key) })),
      nextCursor: rows.length > limit && last ? encodeSearchCursor(sort, { rank: last.rank_key, createdMicros: last.created_key, id: last.id }) : null,
    };
  }
}
