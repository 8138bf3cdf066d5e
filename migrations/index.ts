import { Identity1763780000000 } from './1763780000000-Identity';
import { Messaging1763790000000 } from './1763790000000-Messaging';
import { Search1763800000000 } from './1763800000000-Search';
import { Hardening1764830000000 } from './1764830000000-Hardening';
import { BlockedPairs1764900000000 } from './1764900000000-BlockedPairs';

/** Every migration, oldest first. `npm run migration:create` prints the line to add here. */
export const migrations = [Identity1763780000000, Messaging1763790000000, Search1763800000000, Hardening1764830000000, BlockedPairs1764900000000];
