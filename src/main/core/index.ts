// The client core: createCore over an opened home (CoreApi + start/stop) and initAccount for a new home.
export { createCore, type Core, type CoreOptions } from './core.js';
export { initAccount, type InitAccountOptions, type InitAccountResult } from './init-account.js';
export { loadIdentity, type Identity } from './identity.js';
export { silentLogger, type CoreLogger } from '../sync/logger.js';
export { requestLink, type LinkedDevice, type RequestLinkOptions } from './link/request.js';
