// The connection under RelayClient: dial, CHALLENGE → AUTH, replies matched by reqId, relay frames turned into
// events, and reconnect with full-jitter backoff that re-proves and resubscribes the topics (policy: client.ts).
import WebSocket from 'ws';
import { encodeFrame, decodeRelayFrame } from '../../shared/codec.js';
import { CloseReason, FrameType } from '../../shared/frames.js';
import type { ClientFrame, CloseReasonName, RelayFrame } from '../../shared/frames.js';
import type { DeviceKey, StoreId, TopicId } from '../../shared/ids.js';
import { bytesEqual } from '../../shared/ids.js';
import { MAX_FRAME_BYTES } from '../../shared/limits.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { AckCoalescer, DEFAULT_ACK_DELAY_MS, realTimers } from './ack-coalescer.js';
import type { Timers } from './ack-coalescer.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { TypedEmitter } from './events.js';
import type { RelayClientEvents } from './events.js';
import { PendingRequests, relayErrorName } from './pending-requests.js';
import type { ReplyFrame, RequestErrorCode } from './pending-requests.js';
import { signAuth } from '../../shared/crypto/capability.js';
import type { TopicCapability } from '../../shared/crypto/capability.js';
import type { ConnectErrorCode, RelayClientOptions, Session } from './options.js';
import { TopicBook } from './topic-book.js';

type State = 'idle' | 'connecting' | 'open' | 'stopped';

const CLOSE_REASON_NAMES = new Map<number, CloseReasonName>(Object.entries(CloseReason).map(([name, code]) => [code, name as CloseReasonName]));

/** The socket's life cycle; RelayClient (client.ts) adds the typed requests on top. */
export abstract class RelayConnection extends TypedEmitter<RelayClientEvents> {
  protected readonly options: RelayClientOptions;
  readonly #backoff: BackoffOptions | null;
  readonly #timers: Timers;
  readonly #pending: PendingRequests;
  protected readonly acks: AckCoalescer;
  protected readonly topics = new TopicBook();
  #state: State = 'idle';
  #url = '';
  #ws: WebSocket | null = null;
  #nonce: Uint8Array | null = null;
  #storeId: StoreId | null = null;
  #attempt = 0;
  #everOpened = false;
  /** True between a reconnect's AUTH_OK and the end of re-proving its topics. */
  #restoring = false;
  #reconnectTimer: unknown = null;
  #stopReason: ConnectErrorCode | null = null;
  #connectWaiter: ((r: Result<Session, ConnectErrorCode>) => void) | null = null;

  constructor(options: RelayClientOptions) {
    super();
    this.options = options;
    this.#backoff = options.reconnect === false ? null : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.#timers = options.timers ?? realTimers;
    this.#pending = new PendingRequests(options.requestTimeoutMs ?? 30_000, this.#timers);
    const sendAck = (topic: TopicId, seq: number) => !this.#restoring && this.send({ type: FrameType.Ack, topic, seq });
    this.acks = new AckCoalescer(sendAck, options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS, this.#timers, { intervalMs: options.ackIntervalMs, random: options.random });
  }

  /** Restoring topics after a reconnect goes through the client's own requests. */
  abstract openTopic(capability: TopicCapability, flags?: number): Promise<Result<TopicId, RequestErrorCode>>;
  abstract subscribe(topic: TopicId, cursor: number): Promise<Result<void, RequestErrorCode>>;

  get deviceKey(): DeviceKey {
    return this.options.device.publicKey;
  }
  /** The relay store's id from the last AUTH_OK (cursors are kept per relay and store id). */
  get storeId(): StoreId | null {
    return this.#storeId;
  }
  get isOpen(): boolean {
    return this.#state === 'open';
  }
  /** The current socket's CHALLENGE nonce (topic proofs sign it); null before the challenge. */
  protected get nonce(): Uint8Array | null {
    return this.#nonce;
  }

  /** Connects and authenticates. Resolves with the first attempt's outcome; with reconnect on, a failed
   *  first attempt keeps retrying in the background ('open' fires when one succeeds). */
  connect(url: string): Promise<Result<Session, ConnectErrorCode>> {
    if (this.#state !== 'idle') throw new Error(`connect() called twice (state ${this.#state})`);
    this.#url = url;
    return new Promise((resolve) => {
      this.#connectWaiter = resolve;
      this.#dial();
    });
  }

  /** Stops reconnecting, flushes pending acks, closes the socket; pending requests resolve CLOSED. */
  async close(): Promise<void> {
    if (this.#reconnectTimer !== null) this.#timers.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.acks.flush();
    this.#stop('CLOSED');
    const ws = this.#ws;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000, 'client closing');
    });
  }

  /** Drops the socket now and reconnects through the usual backoff (e.g. after a network change). */
  reconnect(): void {
    if (this.#state === 'open' || this.#ws !== null) this.#ws?.terminate();
  }

  protected request<T>(build: (reqId: number) => ClientFrame, map: (f: ReplyFrame) => Result<T, RequestErrorCode>): Promise<Result<T, RequestErrorCode>> {
    if (this.#state !== 'open') return Promise.resolve(err('NOT_CONNECTED', 'not connected to a relay'));
    const { reqId, result } = this.#pending.add(map);
    if (!this.send(build(reqId))) this.#pending.fail(reqId, 'DISCONNECTED', 'the socket is not open');
    return result;
  }

  protected send(frame: ClientFrame): boolean {
    const ws = this.#ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return false;
    if (frame.type !== FrameType.Auth && this.#state !== 'open') return false;
    ws.send(encodeFrame(frame));
    return true;
  }

  #dial(): void {
    this.#state = 'connecting';
    this.#nonce = null;
    const maxPayload = this.options.maxIncomingFrameBytes ?? 4 * MAX_FRAME_BYTES;
    const ws = new WebSocket(this.#url, { maxPayload, perMessageDeflate: false });
    this.#ws = ws;
    ws.on('message', (data, isBinary) => {
      if (ws === this.#ws) this.#onMessage(data as Uint8Array, isBinary, maxPayload);
    });
    ws.on('error', () => undefined); // 'close' always follows and carries what matters.
    ws.on('close', (code, reason) => this.#onClose(ws, code, reason.toString('utf8')));
  }

  #onMessage(data: Uint8Array, isBinary: boolean, maxBytes: number): void {
    const decoded = isBinary ? decodeRelayFrame(data, maxBytes) : err('MALFORMED' as const, 'text frame from the relay');
    if (!decoded.ok) return this.emit('error', { code: 'MALFORMED', message: decoded.message, topic: null, reqId: 0 });
    this.#onFrame(decoded.value);
  }

  #onFrame(f: RelayFrame): void {
    switch (f.type) {
      case FrameType.Challenge:
        if (this.#state !== 'connecting' || this.#nonce !== null) return;
        this.#nonce = f.nonce.slice();
        this.send({ type: FrameType.Auth, deviceKey: this.deviceKey, signature: signAuth(this.options.sodium, this.options.device.secretKey, this.#nonce) });
        return;
      case FrameType.AuthOk:
        return this.#onAuthOk(f.storeId.slice() as StoreId);
      case FrameType.Ok:
      case FrameType.Published:
      case FrameType.Record:
        this.#pending.settle(f);
        return;
      case FrameType.Error:
        return this.#onError(f.reqId, f.code, f.topic, f.message);
      case FrameType.Update:
        return this.emit('update', f);
      case FrameType.CaughtUp:
        return this.emit('caughtUp', f);
      case FrameType.Acked:
        return this.emit('acked', f);
      case FrameType.Delivered:
        return this.emit('delivered', f);
      case FrameType.Gap:
        return this.emit('gap', f);
      case FrameType.EphemeralIn:
        return this.emit('ephemeral', f);
      case FrameType.DirectIn:
        return this.emit('direct', f);
      case FrameType.Closing: {
        const reason = CLOSE_REASON_NAMES.get(f.reason) ?? 'UNKNOWN';
        if (reason === 'REPLACED') this.#stop('REPLACED');
        return this.emit('closing', { reason, message: f.message });
      }
    }
  }

  #onError(reqId: number, code: number, topic: TopicId | null, message: string): void {
    const name = relayErrorName(code);
    if (this.#state === 'connecting' && name === 'AUTH_FAILED') {
      this.#stop('AUTH_FAILED');
      this.#ws?.close(1000, 'auth failed');
    } else if (this.#pending.settle({ type: FrameType.Error, reqId, code, topic, message })) return;
    this.emit('error', { code: name, message, topic, reqId });
  }

  #onAuthOk(storeId: StoreId): void {
    if (this.#state !== 'connecting') return;
    const reconnected = this.#everOpened;
    const storeChanged = this.#storeId !== null && !bytesEqual(this.#storeId, storeId);
    this.#state = 'open';
    this.#storeId = storeId;
    this.#everOpened = true;
    this.#attempt = 0;
    if (storeChanged) {
      this.acks.reset();
      this.topics.resetCursors();
    }
    this.#settleConnect(ok({ storeId, deviceKey: this.deviceKey }));
    const opened = { storeId, deviceKey: this.deviceKey, reconnected, storeChanged };
    if (!reconnected) return this.emit('open', opened);
    // Acks and 'open' wait until the topics are proven again: the relay refuses both without the capability.
    const ws = this.#ws;
    this.#restoring = true;
    void this.#restoreTopics(storeId).then(() => {
      if (ws !== this.#ws || this.#state !== 'open') return;
      this.#restoring = false;
      this.acks.flush();
      this.emit('open', opened);
    });
  }

  /** Re-proves then resubscribes each topic on a new socket; failures surface as 'error' events with their topic. */
  #restoreTopics(storeId: StoreId): Promise<void> {
    return this.topics.restore(this, storeId, this.options.resumeCursor, (topic, message, code) =>
      this.emit('error', { code, message: `restoring topic after reconnect: ${message}`, topic, reqId: 0 }),
    );
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#nonce = null;
    this.#restoring = false;
    this.#pending.failAll(this.#state === 'stopped' ? 'CLOSED' : 'DISCONNECTED', `socket closed (${code}${reason ? ` ${reason}` : ''})`);
    if (this.#state !== 'stopped') this.#state = 'idle';
    this.#settleConnect(err(this.#stopReason ?? 'CONNECT_FAILED', `connection to ${this.#url} closed (${code}) before authentication`));
    const retry = this.#state !== 'stopped' && this.#backoff !== null;
    const delayMs = retry ? backoffDelay(this.#attempt++, this.#backoff!, this.options.random) : null;
    if (delayMs !== null) {
      this.#state = 'connecting';
      this.#reconnectTimer = this.#timers.setTimeout(() => {
        this.#reconnectTimer = null;
        if (this.#state === 'connecting') this.#dial();
      }, delayMs);
    }
    this.emit('close', { code, reason, willReconnect: retry, delayMs });
  }

  #stop(reason: ConnectErrorCode): void {
    this.#state = 'stopped';
    this.#stopReason ??= reason;
  }

  #settleConnect(r: Result<Session, ConnectErrorCode>): void {
    const waiter = this.#connectWaiter;
    this.#connectWaiter = null;
    waiter?.(r);
  }
}
