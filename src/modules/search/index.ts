/** The search module's public face. */
export { SearchModule } from './search.module';
