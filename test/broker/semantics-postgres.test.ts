// Broker semantics on a real PostgreSQL server this file starts (the integration project): see semantics-cases.ts.
import { semanticsTests } from './semantics-cases';

jest.setTimeout(60_000);

semanticsTests(['postgres']);
