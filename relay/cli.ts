// The cairn-relay process: parse the command line, open the store, serve, and shut down on signals.
// bin/cairn-relay.js imports this file (built to dist/relay/cli.js) and calls main().
import { join } from 'node:path';
import { loadSodium } from '../src/main/crypto/index.js';
import { parseCommand, USAGE } from './config.js';
import type { RelayConfig } from './config.js';
import type { Logger } from 'pino';
import { createLogger } from './log.js';
import { createRelay } from './server.js';
import { createMemoryStore } from './store/memory.js';
import { openSqliteStore } from './store/sqlite.js';
import { openSqliteWorkerStore, withCheckpointThread } from './store/sqlite-worker.js';
import type { RelayStore } from './store/types.js';

/** File name of the SQLite store inside --data. */
export const STORE_FILE = 'relay.sqlite';

/** CAIRN_RELAY_SQLITE_THREAD=worker runs SQLite in a worker thread (store/sqlite-worker.ts); a dead
 *  store thread ends the relay, which can no longer tell what was committed. Not the default: with the
 *  relay on one core (as bench:relay pins it) the thread hops cost more than the commits they move
 *  (100x10 at 20k deliveries/s: p99 ~17 ms against ~11 ms in-thread, the core saturated), and live
 *  frames buffered during a replay reach replay.ts's conn.send (not sendPrepared) far more often. */
async function openStore(config: RelayConfig, log: Logger): Promise<RelayStore> {
  if (config.store === 'memory') return createMemoryStore();
  const options = { path: join(config.dataDir, STORE_FILE), synchronous: config.sync === 'full' ? ('FULL' as const) : ('NORMAL' as const) };
  const onCheckpointError = (error: Error): void => log.warn({ err: error }, 'the WAL checkpoint thread stopped; SQLite checkpoints inside commits again');
  if (process.env.CAIRN_RELAY_SQLITE_THREAD !== 'worker') return withCheckpointThread(await openSqliteStore(options), options.path, undefined, onCheckpointError);
  return openSqliteWorkerStore({
    ...options,
    onFatal: (error) => {
      log.fatal({ err: error }, 'the store thread died');
      process.stderr.write(`cairn-relay: ${error.message}\n`);
      process.exit(1);
    },
    onCheckpointError,
  });
}

export async function main(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, process.env);
  if (!parsed.ok) {
    process.stderr.write(`cairn-relay: ${parsed.message}\n`);
    process.exit(2);
  }
  if (parsed.value.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const config = parsed.value.config;
  const log = createLogger();
  const sodium = await loadSodium('native');
  let store: RelayStore;
  try {
    store = await openStore(config, log);
  } catch (error) {
    log.fatal({ err: error }, 'cannot open the store');
    process.stderr.write(`cairn-relay: cannot open the store in ${config.dataDir}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const relay = await createRelay({
    store,
    sodium,
    host: config.host,
    port: config.port,
    ttlMs: config.ttlMs,
    maxFrameBytes: config.maxFrameBytes,
    topicQuotaBytes: config.topicQuotaBytes,
    rateLimit: config.rateLimit,
    maxTopics: config.maxTopics,
    logger: log,
  }).catch(async (error: unknown) => {
    await store.close();
    process.stderr.write(`cairn-relay: cannot listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
  process.stdout.write(`cairn-relay listening on ${relay.url}\n`);
  log.info({ url: relay.url, store: config.store, sodium: sodium.name, ttlMs: config.ttlMs }, 'listening');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    relay
      .close()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
