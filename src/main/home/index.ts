// The home directory of a Cairn device: layout file, master key, vault, process lock.
export { createHome, openHome, type CreateHomeError, type CreateHomeOptions, type Home, type HomeOptions, type OpenHomeError } from './home.js';
export { DB_FILE, LAYOUT_FILE, LOCK_FILE, SOCKET_FILE, readLayout, resolveHomeDir, type HomeLayout, type KdfParams } from './layout.js';
export { acquireHomeLock, type HomeLock } from './lock.js';
export { KDF_DEFAULT, KDF_FAST, readKeyFile, type HomeSecret } from './master-key.js';
export { unlockVault, type Vault } from './vault.js';
