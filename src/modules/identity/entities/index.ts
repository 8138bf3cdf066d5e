import { RefreshTokenEntity } from './refresh-token.entity';
import { SessionEntity } from './session.entity';
import { UserBlockEntity } from './user-block.entity';
import { UserEntity } from './user.entity';

export const identityEntities = [UserEntity, SessionEntity, RefreshTokenEntity, UserBlockEntity];
export { RefreshTokenEntity, SessionEntity, UserBlockEntity, UserEntity };
