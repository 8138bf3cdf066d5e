import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { IsOptionalDefined, Trim, LowercaseId } from '../../../../common/cqrs/transforms';

export interface BanView {
  userId: string;
  bannedAt: string;
  reason: string | null;
}

export class BanUserCommand extends AppCommand<BanView, { actor: Actor }> {
  @LowercaseId()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 500, example: 'Spam in several groups' })
  @IsOptionalDefined()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;

  actor: Actor;
}
