// Preloaded (node --import) into every bench server process, so the bench can ask for a full GC over IPC
// before it reads the server's RSS. It never keeps the process alive.
import { applyAutogroupNice } from './priority.js';

applyAutogroupNice();
process.on('message', (message: unknown) => {
  if (message !== 'bench:gc') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.('bench:gc-done');
});
process.channel?.unref();
