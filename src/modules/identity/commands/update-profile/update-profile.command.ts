import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsTimeZone, Length } from 'class-validator';
import { AppCommand } from '../../../../common/cqrs/app-command';
import { IsOptionalDefined, Trim } from '../../../../common/cqrs/transforms';
import { Actor } from '../../../../common/cqrs/app-command';
import { PrivateUserView } from '../../domain/user.views';
import { GroupInvites } from '../../repositories/users.repository';

export class UpdateProfileCommand extends AppCommand<PrivateUserView, { actor: Actor }> {
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

  @ApiPropertyOptional({ enum: ['everyone', 'contacts'], description: 'Who may add you to a group: anyone (default), or only people you share a direct conversation with (others get 403)' })
  @IsOptionalDefined()
  @IsIn(['everyone', 'contacts'], { message: 'groupInvites must be everyone or contacts' })
  groupInvites?: GroupInvites;

  actor: Actor;
}
