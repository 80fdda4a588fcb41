// One WebSocket: the challenge, authentication, rate limit, error replies and its topic links.
// Frames after AUTH are handled in handlers.ts; this file keeps the per-socket state small.
import type { WebSocket } from 'ws';
import { encodeFrame, decodeClientFrame } from '../src/shared/codec.js';
import { verifyAuth } from '../src/shared/crypto/capability.js';
import { randomBytes } from '../src/shared/crypto/sodium.js';
import { CloseReason, FrameType, RelayErrorCode } from '../src/shared/frames.js';
import type { AuthFrame, CloseReasonName, RelayErrorName, RelayFrame } from '../src/shared/frames.js';
import type { DeviceKey, TopicId } from '../src/shared/ids.js';
import { CHALLENGE_NONCE_BYTES, MAX_ERROR_MESSAGE_CHARS } from '../src/shared/limits.js';
import type { RelayCore } from './core.js';
import { bytesKey } from './delivery.js';
import { NO_HEADER, peekHeader, reqIdOf } from './frame-info.js';
import { handleFrame } from './handlers.js';
import type { TopicLink, TopicState } from './hub.js';
import { TokenBucket } from './limits.js';
import { tcpOf } from './wire.js';

/** WebSocket close codes that go with each CLOSING reason (4000–4999 are for applications). */
const WS_CLOSE_CODE: Record<CloseReasonName, number> = { REPLACED: 4001, AUTH_TIMEOUT: 4002, SHUTDOWN: 1001, PROTOCOL: 4003 };

export class Connection {
  readonly core: RelayCore;
  readonly ws: WebSocket;
  /** The challenge nonce: AUTH and every OPEN_TOPIC proof sign it. */
  readonly nonce: Uint8Array;
  device: DeviceKey | null = null;
  /** bytesKey(device), '' before AUTH. */
  deviceKey = '';
  /** Created on the first OPEN_TOPIC or inbox publish, so idle sockets stay small. */
  links: Map<string, TopicLink> | null = null;
  /** Per topic key, the OPEN_TOPIC (or inbox load) in progress that later frames on the topic wait for. */
  opening: Map<string, Promise<void>> | null = null;
  closed = false;
  /** The batcher's cork round this socket was last corked in (see Batcher.hold). */
  corkRound = 0;
  /** Frames waiting for this socket's next write (deferFrame). */
  private deferred: Buffer[] | null = null;
  private readonly bucket: TokenBucket;
  private authTimer: NodeJS.Timeout | null;
  private authFailures = 0;

  constructor(core: RelayCore, ws: WebSocket) {
    this.core = core;
    this.ws = ws;
    this.nonce = randomBytes(CHALLENGE_NONCE_BYTES);
    this.bucket = new TokenBucket(core.settings.rateLimit, core.settings.rateBurst, performance.now());
    this.authTimer = setTimeout(() => this.close('AUTH_TIMEOUT', `no AUTH within ${core.settings.authTimeoutMs} ms`), core.settings.authTimeoutMs);
    this.sendFrame({ type: FrameType.Challenge, nonce: this.nonce, maxFrameBytes: core.settings.maxFrameBytes });
  }

  send(bytes: Uint8Array): void {
    if (!this.closed) this.write(this.core.wire.prepare(bytes));
  }

  sendFrame(frame: RelayFrame): void {
    if (!this.closed) this.write(this.core.wire.prepare(encodeFrame(frame)));
  }

  /** A frame prepared once (core.wire.prepare) for several sockets. */
  sendPrepared(prepared: Buffer): void {
    if (!this.closed) this.write(prepared);
  }

  /** A frame that may wait for this socket's next write (ACKED, DELIVERED: see deferred-frames.ts). */
  deferFrame(frame: RelayFrame): void {
    if (this.closed) return;
    const prepared = this.core.wire.prepare(encodeFrame(frame));
    if (this.deferred !== null) this.deferred.push(prepared);
    else if (this.core.deferrals.hold(this)) this.deferred = [prepared];
    else this.core.wire.write(this.ws, prepared);
  }

  flushDeferred(): void {
    const held = this.deferred;
    if (held === null) return;
    this.deferred = null;
    if (!this.closed) this.core.wire.writeMany(this.ws, held);
  }

  /** Held frames go out first, in the same write. */
  private write(prepared: Buffer): void {
    const held = this.deferred;
    if (held === null) return this.core.wire.write(this.ws, prepared);
    this.deferred = null;
    held.push(prepared);
    this.core.wire.writeMany(this.ws, held);
  }

  /** Holds writes until uncork, so a batch's frames to this socket leave in one write. */
  cork(): void {
    tcpOf(this.ws)?.cork();
  }

  uncork(): void {
    tcpOf(this.ws)?.uncork();
  }

  error(reqId: number, code: RelayErrorName, topic: TopicId | null, message: string): void {
    this.core.metrics.reject(code);
    this.sendFrame({ type: FrameType.Error, reqId, code: RelayErrorCode[code], topic, message: message.slice(0, MAX_ERROR_MESSAGE_CHARS) });
  }

  /** A store failure: the client learns the request failed; the operator gets the details. */
  internal(reqId: number, topic: TopicId | null, cause: unknown): void {
    this.core.log.error({ err: cause }, 'store operation failed');
    this.error(reqId, 'INTERNAL', topic, 'internal error: try again later');
  }

  /** Sends CLOSING with the reason, closes the socket and forgets everything about it. */
  close(reason: CloseReasonName, message: string): void {
    if (this.closed) return;
    this.sendFrame({ type: FrameType.Closing, reason: CloseReason[reason], message });
    this.ws.close(WS_CLOSE_CODE[reason], message.slice(0, 120));
    this.detach();
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed || this.core.closing) return;
    if (!this.bucket.take(performance.now())) {
      const h = peekHeader(data);
      this.error(h.reqId, 'RATE_LIMITED', h.topic, 'rate limit exceeded: frame dropped');
      return;
    }
    if (!isBinary) {
      this.error(0, 'MALFORMED', null, 'text frames are not part of the protocol');
      return;
    }
    const decoded = decodeClientFrame(data, this.core.settings.maxFrameBytes);
    if (!decoded.ok) {
      const h = decoded.code === 'FRAME_TOO_LARGE' ? peekHeader(data) : NO_HEADER;
      this.error(h.reqId, decoded.code, h.topic, decoded.message);
      return;
    }
    const frame = decoded.value;
    if (frame.type === FrameType.Auth) this.auth(frame);
    else if (this.device === null) this.error(reqIdOf(frame), 'NOT_AUTHENTICATED', null, 'authenticate with AUTH first');
    else handleFrame(this, frame);
  }

  private auth(frame: AuthFrame): void {
    if (this.device !== null) {
      this.error(0, 'AUTH_FAILED', null, 'already authenticated');
      return;
    }
    if (!verifyAuth(this.core.sodium, frame.deviceKey, this.nonce, frame.signature)) {
      this.error(0, 'AUTH_FAILED', null, 'bad AUTH signature');
      if (++this.authFailures >= this.core.settings.maxAuthFailures) this.close('PROTOCOL', 'too many failed AUTH attempts');
      return;
    }
    if (this.authTimer !== null) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.device = frame.deviceKey.slice() as DeviceKey;
    this.deviceKey = bytesKey(this.device);
    const devices = this.core.hub.devices;
    const older = devices.get(this.deviceKey);
    if (older !== undefined && older !== this) older.close('REPLACED', 'replaced by a newer connection');
    devices.set(this.deviceKey, this);
    this.sendFrame({ type: FrameType.AuthOk, storeId: this.core.storeId, deviceKey: this.device });
  }

  /** This connection's link to a topic; created when asked (the caller checked the topic limit). */
  link(topic: TopicState): TopicLink {
    const links = (this.links ??= new Map());
    let link = links.get(topic.key);
    if (link === undefined) {
      link = { conn: this, topic, capable: false, subscribed: false, replay: null, pending: null, ackTo: -1, ackReply: false };
      links.set(topic.key, link);
      topic.links++;
    }
    return link;
  }

  /** Drops a link that no longer says anything (an inbox publisher's, once its publishes are DELIVERED). */
  release(link: TopicLink): void {
    if (link.capable || link.subscribed || link.pending !== null || this.links?.get(link.topic.key) !== link) return;
    this.links.delete(link.topic.key);
    link.topic.links--;
    link.topic.lastUsed = Date.now();
  }

  get topicCount(): number {
    return this.links?.size ?? 0;
  }

  /** Called on close (ours or the peer's): unhooks the socket from every topic and the device map. */
  detach(): void {
    if (this.closed) return;
    this.closed = true;
    this.deferred = null;
    if (this.authTimer !== null) clearTimeout(this.authTimer);
    this.authTimer = null;
    const hub = this.core.hub;
    hub.connections.delete(this);
    if (this.device !== null && hub.devices.get(this.deviceKey) === this) hub.devices.delete(this.deviceKey);
    if (this.links === null) return;
    const now = Date.now();
    for (const link of this.links.values()) {
      const topic = link.topic;
      topic.subscribers.delete(link);
      topic.publishers.delete(link);
      link.replay = null;
      link.subscribed = false;
      link.pending = null;
      topic.links--;
      topic.lastUsed = now;
    }
    this.links = null;
  }
}
