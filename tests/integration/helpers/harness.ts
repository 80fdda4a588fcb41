// Per-test wiring: a relay process and connected clients that clean up after the test, and a recorder
// of every client event so tests can waitFor() what they expect.
import { onTestFinished } from 'vitest';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import type { TopicId } from '../../../src/shared/ids.js';
import { bytesEqual } from '../../../src/shared/ids.js';
import { RelayClient } from '../../../src/main/relay-client/index.js';
import type { DeviceIdentity, RelayClientEvents, RelayClientOptions } from '../../../src/main/relay-client/index.js';
import { makeDevice } from './devices.js';
import { startRelay } from './relay-process.js';
import type { RelayProcess, StartRelayOptions } from './relay-process.js';
import { openRawSocket } from './raw-socket.js';
import type { RawSocket } from './raw-socket.js';

/** Starts a relay that is stopped (SIGTERM, then SIGKILL) when the test ends. */
export async function useRelay(options: StartRelayOptions = {}): Promise<RelayProcess> {
  const relay = await startRelay(options);
  onTestFinished(async () => {
    await relay.stop(5_000);
  });
  return relay;
}

type Recorded = { [K in keyof RelayClientEvents]: RelayClientEvents[K][] };

export type TestClient = {
  client: RelayClient;
  device: DeviceIdentity;
  /** Every event, per kind, in arrival order. */
  ev: Recorded;
  /** The events of one kind that concern a topic. */
  on<K extends 'update' | 'caughtUp' | 'acked' | 'delivered' | 'gap' | 'ephemeral' | 'direct'>(kind: K, topic: TopicId): Recorded[K];
  /** Error events with a given code. */
  errors(code: string): Recorded['error'];
};

export type ClientOptions = Partial<Omit<RelayClientOptions, 'sodium' | 'device'>> & { device?: DeviceIdentity };

const KINDS = ['open', 'close', 'closing', 'update', 'caughtUp', 'acked', 'delivered', 'gap', 'ephemeral', 'direct', 'error'] as const;

/** Creates a RelayClient with recorded events and connects it (throws when that fails); closed at test end. */
export async function useClient(url: string, sodium: Sodium, options: ClientOptions = {}): Promise<TestClient> {
  const device = options.device ?? makeDevice(sodium);
  const client = new RelayClient({ reconnect: false, ...options, sodium, device });
  const ev = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Recorded;
  for (const kind of KINDS) client.on(kind, (value) => (ev[kind] as unknown[]).push(value));
  onTestFinished(() => client.close());
  const r = await client.connect(url);
  if (!r.ok) throw new Error(`client failed to connect to ${url}: ${r.code} ${r.message}`);
  return {
    client,
    device,
    ev,
    on: (kind, topic) => (ev[kind] as { topic: TopicId }[]).filter((e) => bytesEqual(e.topic, topic)) as never,
    errors: (code) => ev.error.filter((e) => e.code === code),
  };
}

/** A raw socket closed at test end. */
export async function useRawSocket(url: string): Promise<RawSocket> {
  const raw = await openRawSocket(url);
  onTestFinished(() => raw.close());
  return raw;
}

/** Unwraps a Result in a test, failing with its code and message. */
export function must<T>(r: { ok: true; value: T } | { ok: false; code: string; message: string }, what = 'request'): T {
  if (!r.ok) throw new Error(`${what} failed: ${r.code} ${r.message}`);
  return r.value;
}
