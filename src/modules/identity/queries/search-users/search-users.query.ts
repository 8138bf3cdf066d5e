import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { AppQuery, Actor } from '../../../../common/cqrs/app-command';
import { TrimLowercase } from '../../../../common/cqrs/transforms';
import { Page, PageCursor, PageLimit } from '../../../../common/pagination/cursor';
import { PublicUserView } from '../../domain/user.views';

export class SearchUsersQuery extends AppQuery<Page<PublicUserView>, { actor: Actor }> {
  @ApiProperty({ description: 'Username prefix (case-insensitive), 1–32 of [a-z0-9_.]', example: 'ad' })
  @TrimLowercase()
  @IsString()
  @Length(1, 32)
  @Matches(/^[a-z0-9_.]+$/, { message: 'q may only contain a-z, 0-9, "_" and "."' })
  q: string;

  @PageLimit()
  limit = 50;

  @PageCursor()
  cursor?: string;

  actor: Actor;
}
