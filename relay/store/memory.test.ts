import { relayStoreAcceptance } from './acceptance.js';
import { createMemoryStore } from './memory.js';

relayStoreAcceptance('memory', async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
}, { persistent: false });
