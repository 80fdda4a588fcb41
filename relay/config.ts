// Command line and environment parsing for cairn-relay. Pure: argv and env come in, a Result goes out.
import { MAX_FRAME_BYTES, DEFAULT_UPDATE_TTL_MS } from '../src/shared/limits.js';
import { err, ok } from '../src/shared/result.js';
import type { Result } from '../src/shared/result.js';

export type StoreKind = 'sqlite' | 'memory';
export type SyncMode = 'normal' | 'full';

export type RelayConfig = {
  host: string;
  port: number;
  dataDir: string;
  store: StoreKind;
  ttlMs: number;
  maxFrameBytes: number;
  topicQuotaBytes: number;
  /** Frames per second per connection; the burst is twice this. */
  rateLimit: number;
  maxTopics: number;
  sync: SyncMode;
};

export type ParsedCommand = { kind: 'help' } | { kind: 'run'; config: RelayConfig };

export const DEFAULT_CONFIG: RelayConfig = {
  host: '127.0.0.1',
  port: 8787,
  dataDir: './data',
  store: 'sqlite',
  ttlMs: DEFAULT_UPDATE_TTL_MS,
  maxFrameBytes: MAX_FRAME_BYTES,
  topicQuotaBytes: 64 * 1024 * 1024,
  rateLimit: 5000,
  maxTopics: 4096,
  sync: 'normal',
};

export const USAGE = `Usage: cairn-relay [options]

  --host ADDR               address to bind (default 127.0.0.1)            CAIRN_RELAY_HOST
  --port N                  port, 0 picks a free one (default 8787)         CAIRN_RELAY_PORT
  --data DIR                folder of the SQLite store (default ./data)     CAIRN_RELAY_DATA
  --store sqlite|memory     storage backend (default sqlite)                CAIRN_RELAY_STORE
  --ttl DURATION            keep unacked updates this long: 30d, 12h, 15m,  CAIRN_RELAY_TTL
                            45s or 500ms (default 30d)
  --max-frame-bytes N       largest accepted frame (default 262144)         CAIRN_RELAY_MAX_FRAME_BYTES
  --topic-quota-bytes N     stored bytes per topic (default 67108864)       CAIRN_RELAY_TOPIC_QUOTA_BYTES
  --rate-limit N            frames/s per connection, burst 2N (default 5000) CAIRN_RELAY_RATE_LIMIT
  --max-topics N            topics per connection (default 4096)            CAIRN_RELAY_MAX_TOPICS
  --sync normal|full        SQLite synchronous mode (default normal)        CAIRN_RELAY_SYNC
  --help                    print this and exit

A flag wins over its environment variable. Environment only: CAIRN_RELAY_LOG_LEVEL (pino level,
default info); CAIRN_RELAY_SQLITE_THREAD=worker (SQLite in a worker thread; opt-in, see OPERATING.md).
`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses 30d, 12h, 15m, 45s, 500ms; null otherwise (a bare number is refused: seconds or ms would be a guess). */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNITS[match[2]!]!;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

function parseInteger(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

type Option = {
  flag: string;
  env: string;
  /** Applies a textual value to the config; returns an error message when the value is bad. */
  apply: (config: RelayConfig, value: string) => string | null;
};

function intOption(flag: string, env: string, key: 'port' | 'maxFrameBytes' | 'topicQuotaBytes' | 'rateLimit' | 'maxTopics', min: number, max: number): Option {
  return {
    flag,
    env,
    apply: (config, value) => {
      const n = parseInteger(value, min, max);
      if (n === null) return `${flag} needs an integer from ${min} to ${max}, got "${value}"`;
      config[key] = n;
      return null;
    },
  };
}

const OPTIONS: readonly Option[] = [
  {
    flag: '--host',
    env: 'CAIRN_RELAY_HOST',
    apply: (c, v) => (v.trim() === '' ? '--host needs an address' : ((c.host = v.trim()), null)),
  },
  intOption('--port', 'CAIRN_RELAY_PORT', 'port', 0, 65535),
  {
    flag: '--data',
    env: 'CAIRN_RELAY_DATA',
    apply: (c, v) => (v === '' ? '--data needs a folder' : ((c.dataDir = v), null)),
  },
  {
    flag: '--store',
    env: 'CAIRN_RELAY_STORE',
    apply: (c, v) => (v === 'sqlite' || v === 'memory' ? ((c.store = v), null) : `--store must be sqlite or memory, got "${v}"`),
  },
  {
    flag: '--ttl',
    env: 'CAIRN_RELAY_TTL',
    apply: (c, v) => {
      const ms = parseDuration(v);
      if (ms === null) return `--ttl needs a duration such as 30d, 12h, 15m, 45s or 500ms, got "${v}"`;
      c.ttlMs = ms;
      return null;
    },
  },
  // The relay answers frames up to 4x this with FRAME_TOO_LARGE, so it stays well inside ws limits.
  intOption('--max-frame-bytes', 'CAIRN_RELAY_MAX_FRAME_BYTES', 'maxFrameBytes', 4096, 64 * 1024 * 1024),
  intOption('--topic-quota-bytes', 'CAIRN_RELAY_TOPIC_QUOTA_BYTES', 'topicQuotaBytes', 1024, Number.MAX_SAFE_INTEGER),
  intOption('--rate-limit', 'CAIRN_RELAY_RATE_LIMIT', 'rateLimit', 1, 10_000_000),
  intOption('--max-topics', 'CAIRN_RELAY_MAX_TOPICS', 'maxTopics', 1, 1_000_000),
  {
    flag: '--sync',
    env: 'CAIRN_RELAY_SYNC',
    apply: (c, v) => (v === 'normal' || v === 'full' ? ((c.sync = v), null) : `--sync must be normal or full, got "${v}"`),
  },
];

/** Environment first, then flags (a flag wins). Errors are one line, meant for stderr. */
export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Result<ParsedCommand, 'BAD_ARGUMENT'> {
  const config: RelayConfig = { ...DEFAULT_CONFIG };
  for (const option of OPTIONS) {
    const value = env[option.env];
    if (value === undefined || value === '') continue;
    const problem = option.apply(config, value);
    if (problem !== null) return err('BAD_ARGUMENT', `${option.env}: ${problem.replace(option.flag, 'value')}`);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return ok({ kind: 'help' });
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const option = OPTIONS.find((o) => o.flag === flag);
    if (!option) return err('BAD_ARGUMENT', `unknown option "${arg}" (see --help)`);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) return err('BAD_ARGUMENT', `${flag} needs a value`);
      value = next;
      i++;
    }
    const problem = option.apply(config, value);
    if (problem !== null) return err('BAD_ARGUMENT', problem);
  }
  return ok({ kind: 'run', config });
}
