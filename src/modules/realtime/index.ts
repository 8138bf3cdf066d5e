/** The realtime module's public face: the socket connections of the API and of the worker. */
export { RealtimeModule } from './realtime.module';
export { RealtimeWorkerModule } from './realtime-worker.module';
