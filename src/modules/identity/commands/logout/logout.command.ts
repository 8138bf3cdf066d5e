import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { AppCommand } from '../../../../common/cqrs/app-command';
import { AuthenticatedActor } from '../../../../common/auth/actor';

export class LogoutCommand extends AppCommand<void, { actor: AuthenticatedActor }> {
  @ApiProperty({ description: 'The refresh token of the session to end' })
  @IsString()
  @Length(1, 512)
  refreshToken: string;

  actor: AuthenticatedActor;
}
