// Options and result types of RelayClient.
import type { DeviceKey, StoreId, TopicId } from '../../shared/ids.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { Timers } from './ack-coalescer.js';
import type { BackoffOptions } from './backoff.js';

/** The device's Ed25519 key pair: the relay attests publicKey as the sender of everything it publishes. */
export type DeviceIdentity = { publicKey: DeviceKey; secretKey: Uint8Array };

export type RelayClientOptions = {
  sodium: Sodium;
  device: DeviceIdentity;
  /** false: never reconnect. Default: reconnect with DEFAULT_BACKOFF. */
  reconnect?: false | Partial<BackoffOptions>;
  /** How long acks are coalesced before one ACK per topic leaves, after a quiet spell (default DEFAULT_ACK_DELAY_MS, 250 ms,
   *  spread over half to one and a half times that; 0 sends each at once). */
  ackDelayMs?: number;
  /** While updates keep coming, ACK flushes are at least this far apart (default DEFAULT_ACK_INTERVAL_MS, 1 s). */
  ackIntervalMs?: number;
  /** A request without a reply after this long resolves TIMEOUT (default 30 s; 0 waits forever). */
  requestTimeoutMs?: number;
  /** Largest relay frame accepted (default 4 × MAX_FRAME_BYTES: an UPDATE is a publish plus its header). */
  maxIncomingFrameBytes?: number;
  /** Cursor to resubscribe from after a reconnect (see client.ts); default: the highest acked or subscribed seq. */
  resumeCursor?: (topic: TopicId, storeId: StoreId) => number;
  random?: () => number;
  timers?: Timers;
};

export type ConnectErrorCode = 'CONNECT_FAILED' | 'AUTH_FAILED' | 'REPLACED' | 'CLOSED';
export type Session = { storeId: StoreId; deviceKey: DeviceKey };
