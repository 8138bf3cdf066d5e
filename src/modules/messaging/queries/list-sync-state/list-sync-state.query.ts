import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { IsoTime } from '../../../../common/cqrs/iso-time';
import { SyncStateResult } from '../../domain/views';

export class ListSyncStateQuery extends AppQuery<SyncStateResult, { actor: Actor }> {
  @ApiPropertyOptional({ format: 'date-time', description: 'Also list conversations with any activity after this time' })
  @IsOptional()
  @IsoTime('since must be an ISO-8601 time (years 0001–9999)')
  since?: Date;

  actor: Actor;
}
