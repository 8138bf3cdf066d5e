import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';
import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { SyncStateResult } from '../../domain/views';

export class ListSyncStateQuery extends AppQuery<SyncStateResult> {
  @ApiPropertyOptional({ format: 'date-time', description: 'Also list conversations with any activity after this time' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : value))
  @IsDate({ message: 'since must be an ISO-8601 time' })
  since?: Date;

  actor: Actor;
}
