import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { AppConfig } from '../config/config';
import { identityEntities } from '../modules/identity/entities';
import { messagingEntities } from '../modules/messaging/entities';

/** Every entity of every module; each module owns its own entities/ folder. */
export const entities = [...identityEntities, ...messagingEntities];

/** One definition shared by the app, the worker, the tests and the TypeORM CLI. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: config.database.poolSize, application_name: 'parley' },
  };
}
