// Child process for the lock test: opens the warehouse, says so, and holds it until killed.
import { openDuckDB } from '../engine.ts';

const engine = await openDuckDB(process.argv[2]);
await engine.query('SELECT 1');
process.stdout.write('holding\n');
setInterval(() => undefined, 1000);
