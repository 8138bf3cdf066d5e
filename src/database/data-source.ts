import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';

/** For the TypeORM CLI (`npm run migration:*`), which runs against the compiled build. */
export default new DataSource(dataSourceOptions(loadConfig()));
