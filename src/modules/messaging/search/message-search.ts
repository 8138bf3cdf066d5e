import { Injectable } from '@nestjs/common';
import { MessagingViews } from '../domain/messaging-views';
import { MessageView } from '../domain/views';
import { toHighlight } from './highlight';
import { MessageSearchRepository, SearchKey, SearchRequest } from './message-search.repository';

export interface MessageSearchHit {
  /** The message exactly as every other endpoint returns it. */
  message: MessageView;
  highlight: string;
  rank: number;
  /** Where the next page starts, if this hit ends one. */
  key: SearchKey;
}

/**
 * Full-text search over the messages the caller may see, for the search module: hits with the
 * full Message view (one more query for the page's reactions) and an HTML-safe snippet. A
 * statement that runs past the request's timeout fails with PostgreSQL's 57014.
 */
@Injectable()
export class MessageSearch {
  constructor(
    private readonly repository: MessageSearchRepository,
    private readonly views: MessagingViews,
  ) {}

  async search(request: SearchRequest): Promise<{ hits: MessageSearchHit[]; hasMore: boolean }> {
    const rows = await this.repository.search(request);
    const kept = rows.slice(0, request.limit);
    const messages = await this.views.toMessages(kept, request.userId);
    return {
      hits: kept.map((row, i) => ({
        message: messages[i],
        highlight: toHighlight(row.content ?? '', row.headline),
        rank: Number(row.rank_key),
        key: { rank: row.rank_key, createdMicros: row.created_key, id: row.id },
      })),
      hasMore: rows.length > request.limit,
    };
  }
}
