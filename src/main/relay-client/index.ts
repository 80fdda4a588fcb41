// The relay client's public surface.
export { RelayClient } from './client.js';
export type { ConnectErrorCode, DeviceIdentity, RelayClientOptions, Session } from './client.js';
export type { RelayClientEvents } from './events.js';
export type { RequestErrorCode } from './pending-requests.js';
export type { BackoffOptions } from './backoff.js';
export type { TopicCapability } from '../../shared/crypto/capability.js';
