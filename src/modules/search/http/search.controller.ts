import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { CurrentActor } from '../../../common/auth/http-auth.guard';
import { ErrorCode } from '../../../common/errors/app-error';
import { ApiErrors } from '../../../common/http/swagger';
import { RateLimitAs } from '../../../common/rate-limit/http-rate-limit.guard';
import { SearchPage } from '../domain/views';
import { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, SEARCH_MAX_QUERY_LENGTH, SearchMessagesQuery } from '../queries/search-messages/search-messages.query';

const { VALIDATION_FAILED, UNAUTHENTICATED, NOT_FOUND, UNAVAILABLE } = ErrorCode;

const DESCRIPTION = `
Full-text search over the messages the caller may see: conversations they are a member of, from their join point on,
never deleted messages; an edited message is found by its current text only. Also over Socket.IO: event
\`messages.search\` with the same fields as an object, acked \`{ ok: true, data: <this response> }\` or \`{ ok: false, error }\`.

**Query syntax** (as in Google or Slack): \`deploy failed\` – every word must match; \`"release notes"\` – these words next to
each other, in this order; \`deploy OR rollback\` – either; \`-staging\` – without this word. A query with no word to look for
(only stop words, punctuation or exclusions) answers an empty page, never an error.

**Partial words and technical tokens**: each word of 3 or more characters outside quotes also matches words it begins
(\`deploy\` finds \`deployment\`; \`-deploy\` excludes both); quoted words match exactly. Punctuation separates words both
in messages and in the query, so \`ERR-4312\`, \`example.com\`, \`deploy_service.ts\` or \`ada@example.com\` find those
tokens (as the phrase of their parts), and so do the parts alone (\`4312\`, \`service\`, \`runbook\` inside a URL). In such a
token only the last part matches as a prefix (\`ERR-431\` finds \`ERR-4312\`; \`ERR\` does not find \`error\`). Matching is
case-insensitive; with SEARCH_LANGUAGE set to a language (e.g. \`english\`) words are stemmed (\`deploying\` finds \`deployed\`).

**Order**: \`sort=relevance\` (default) – messages matching every word exactly first, then by ts_rank, ties by newest;
\`sort=recent\` – newest first. Keyset-paged: pass \`nextCursor\` back as \`cursor\` with the same sort.

**Highlights**: \`highlight\` is HTML-safe – the text is escaped and the only markup is \`<mark>\`…\`</mark>\`.

A search that runs longer than SEARCH_STATEMENT_TIMEOUT_MS (default 2 s) is stopped and answers 503 UNAVAILABLE.`;

@ApiTags('search')
@ApiBearerAuth()
@RateLimitAs('search')
@ApiErrors(ErrorCode.RATE_LIMITED)
@Controller('v1/search')
export class SearchController {
  constructor(private readonly queries: QueryBus) {}

  @Get('messages')
  @ApiOperation({ summary: 'Search messages', description: DESCRIPTION })
  @ApiQuery({ name: 'q', required: true, type: String, description: `1–${SEARCH_MAX_QUERY_LENGTH} characters after trimming`, example: 'deploy "release notes" -staging' })
  @ApiQuery({ name: 'conversationId', required: false, schema: { type: 'string', format: 'uuid' }, description: 'Only this conversation; 404 NOT_FOUND unless the caller is a member' })
  @ApiQuery({ name: 'senderId', required: false, schema: { type: 'string', format: 'uuid' }, description: 'Only messages sent by this user' })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'string', format: 'date-time' }, description: 'Only messages sent after this time (exclusive); ISO-8601, UTC unless an offset is given' })
  @ApiQuery({ name: 'before', required: false, schema: { type: 'string', format: 'date-time' }, description: 'Only messages sent before this time (exclusive)' })
  @ApiQuery({ name: 'hasAttachment', required: false, schema: { type: 'boolean' }, description: 'true: only messages with attachments (none yet, so an empty page); false: only messages without' })
  @ApiQuery({ name: 'sort', required: false, schema: { type: 'string', enum: ['relevance', 'recent'], default: 'relevance' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT } })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page (same sort)' })
  @ApiOkResponse({ type: SearchPage })
  @ApiErrors(VALIDATION_FAILED, UNAUTHENTICATED, NOT_FOUND, UNAVAILABLE)
  search(@Query() query: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<SearchPage> {
    return this.queries.execute(SearchMessagesQuery.create(query, { actor }));
  }
}
