// Entry of a generator worker thread. The simulator is TypeScript run through tsx (no build
// step), and a worker starts a fresh module loader, so it registers tsx before importing.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
