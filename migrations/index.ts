import { Identity1763780000000 } from './1763780000000-Identity';
import { Messaging1763790000000 } from './1763790000000-Messaging';

/** Every migration, oldest first. `npm run migration:create` prints the line to add here. */
export const migrations = [Identity1763780000000, Messaging1763790000000];
