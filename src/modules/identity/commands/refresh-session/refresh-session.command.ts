import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { AppCommand } from '../../../../common/cqrs/app-command';
import { TokenPairView } from '../../domain/user.views';

export class RefreshSessionCommand extends AppCommand<TokenPairView> {
  @ApiProperty({ description: 'The refresh token from login, register or the previous refresh' })
  @IsString()
  @Length(1, 512)
  refreshToken: string;
}
