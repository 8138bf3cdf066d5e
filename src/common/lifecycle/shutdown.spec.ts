import { lastValueFrom, Observable } from 'rxjs';
import { Logger, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { RealtimeEmitter } from '../ws/realtime-emitter';
import { appErrorOf } from '../errors/app-error.testing';
import { ErrorCode } from '../errors/app-error';
import { WsDrainGuard, WsInFlightInterceptor } from '../ws/ws-drain.interceptor';
import { ShutdownState } from './shutdown';

function harness() {
  const realtime = { closeLocalConnections: jest.fn() } as unknown as RealtimeEmitter & { closeLocalConnections: jest.Mock };
  const state = new ShutdownState(realtime, { shutdownDrainMs: 0, shutdownTimeoutMs: 10000 } as AppConfig);
  return { state, realtime, interceptor: new WsInFlightInterceptor(state), guard: new WsDrainGuard(state) };
}
const ctx = {} as ExecutionContext;

describe('graceful shutdown of socket commands', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));

  it('lets a running socket command answer before it closes the connections', async () => {
    const { state, realtime, interceptor } = harness();
    let finish!: () => void;
    const running = new Promise<string>((resolve) => (finish = () => resolve('answered')));
    const handler: CallHandler = {
      handle: () =>
        new Observable<string>((sub) => {
          void running.then((v) => {
            sub.next(v);
            sub.complete();
          });
        }),
    };
    const answer = lastValueFrom(interceptor.intercept(ctx, handler));
    const shutdown = state.drain('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    expect(realtime.closeLocalConnections).not.toHaveBeenCalled();
    finish();
    expect(await answer).toBe('answered');
    await shutdown;
    expect(realtime.closeLocalConnections).toHaveBeenCalledTimes(1);
  });

  it('refuses a socket command once draining, with UNAVAILABLE', async () => {
    const { state, guard } = harness();
    expect(guard.canActivate()).toBe(true);
    await state.drain('SIGTERM');
    const err = await appErrorOf(Promise.resolve().then(() => guard.canActivate()));
    expect(err.code).toBe(ErrorCode.UNAVAILABLE);
  });
});
