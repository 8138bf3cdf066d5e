import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { AppCommand, RequestMeta } from '../../../../common/cqrs/app-command';
import { Trim } from '../../../../common/cqrs/transforms';
import { AuthResultView } from '../../domain/user.views';

export class LoginCommand extends AppCommand<AuthResultView, { meta?: RequestMeta }> {
  @ApiProperty({ example: 'ada.l', description: 'Username or email, case-insensitive' })
  @Trim()
  @IsString()
  @Length(1, 254)
  login: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 128)
  password: string;

  meta?: RequestMeta;
}
