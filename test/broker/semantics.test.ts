// Broker semantics on SQLite, without a socket or any server (the unit project): see semantics-cases.ts.
import { semanticsTests } from './semantics-cases';

jest.setTimeout(60_000);

semanticsTests(['sqlite']);
