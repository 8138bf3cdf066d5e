import { Identity1763780000000 } from './1763780000000-Identity';

/** Every migration, oldest first. `npm run migration:create` prints the line to add here. */
export const migrations = [Identity1763780000000];
