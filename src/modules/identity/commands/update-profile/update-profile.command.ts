import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsTimeZone, Length } from 'class-validator';
import { AppCommand } from '../../../../common/cqrs/app-command';
import { IsOptionalDefined, Trim } from '../../../../common/cqrs/transforms';
import { Actor } from '../../../../common/cqrs/app-command';
import { PrivateUserView } from '../../domain/user.views';

export class UpdateProfileCommand extends AppCommand<PrivateUserView> {
  @ApiPropertyOptional({ example: 'Ada Lovelace', minLength: 1, maxLength: 64 })
  @IsOptionalDefined()
  @Trim()
  @IsString()
  @Length(1, 64)
  displayName?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA time zone name' })
  @IsOptionalDefined()
  @Trim()
  @IsString()
  @Length(1, 64)
  @IsTimeZone({ message: 'timezone must be an IANA time zone such as Europe/Paris' })
  timezone?: string;

  actor: Actor;
}
