import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { ToInt } from '../../../../common/cqrs/transforms';
import { MAX_PAGE_LIMIT } from '../../../../common/pagination/cursor';
import { MessageIdField } from '../../domain/fields';
import { MessageEditView } from '../../domain/views';

export interface MessageEditsPage {
  edits: MessageEditView[];
  /** Pass as afterVersion for the next page; null when this was the last. */
  nextAfterVersion: number | null;
}

/** Previous versions oldest first; a page of `limit` (default and most 100, the default edit cap) after `afterVersion`. */
export class ListMessageEditsQuery extends AppQuery<MessageEditsPage, { actor: Actor }> {
  @MessageIdField()
  messageId: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: MAX_PAGE_LIMIT })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit = MAX_PAGE_LIMIT;

  @ApiPropertyOptional({ minimum: 0, description: 'Only versions after this one (the next page)' })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'afterVersion must be an integer' })
  @Min(0)
  @Max(2147483647)
  afterVersion?: number;

  actor: Actor;
}
