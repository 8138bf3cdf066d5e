import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AccessTokenService } from '../../../common/auth/access-token.service';
import { RequestMeta } from '../../../common/cqrs/app-command';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';
import { SessionEntity } from '../entities/session.entity';
import { UserEntity } from '../entities/user.entity';
import { TokenPairView } from './user.views';
import { newRefreshToken } from './refresh-token';

/** Starts a session (refresh-token family) and issues its first token pair, or rotates within one. */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly accessTokens: AccessTokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(manager: EntityManager, user: UserEntity, meta: RequestMeta | undefined): Promise<TokenPairView> {
    const sessionId = uuidv7();
    await manager.insert(SessionEntity, {
      id: sessionId,
      userId: user.id,
      userAgent: meta?.userAgent?.slice(0, 512) ?? null,
      ip: meta?.ip ?? null,
    });
    return this.issue(manager, user, sessionId);
  }

  async issue(manager: EntityManager, user: Pick<UserEntity, 'id'>, sessionId: string): Promise<TokenPairView> {
    const refresh = newRefreshToken();
    await manager.insert(RefreshTokenEntity, {
      id: refresh.id,
      sessionId,
      tokenHash: refresh.hash,
      expiresAt: new Date(Date.now() + this.config.auth.refreshTtlSeconds * 1000),
    });
    return {
      accessToken: this.accessTokens.sign({ userId: user.id, sessionId }),
      refreshToken: refresh.token,
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }
}
