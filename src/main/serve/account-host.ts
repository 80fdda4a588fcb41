// The core of a home that may not hold an account yet, as the UI's bridges need it: a CoreApi that answers
// NOT_ALLOWED until there is a core, and the OnboardingApi whose createAccount makes the account (initAccount),
// then creates and starts the core. Used by `cairn serve` and the desktop app; the home and its lock are the
// caller's.
import type { CoreApi, CoreErrorCode, CoreResult, OnboardingApi, WhoAmI } from '../../shared/core-api.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { CoreLogger } from '../sync/logger.js';
import type { Home } from '../home/index.js';
import { createLateCore } from './late-core.js';
import { createLinkRequester, type RunLink } from './link-request.js';

/** A core this process runs: CoreApi plus its lifecycle. */
export type HostedCore = CoreApi & { start(): Promise<unknown> | unknown; stop(): Promise<unknown> | unknown };

/** The core functions the host needs (src/cli/backend.ts has the same shape), so tests can use fakes. */
export type CoreFactory = {
  hasAccount(options: { home: Home; sodium: Sodium }): boolean;
  initAccount(options: { home: Home; sodium: Sodium; name: string; relays: string[] }): Promise<Result<{ accountId: string; deviceId: string }, string>>;
  createCore(options: { home: Home; sodium: Sodium; log?: CoreLogger }): Promise<Result<HostedCore, string>>;
  /** The new device's side of a link into this home (src/main/core/link/request.ts); absent: linking is refused. */
  requestLink?(options: { home: Home; sodium: Sodium } & Parameters<RunLink>[0]): ReturnType<RunLink>;
};

export type AccountHost = {
  /** Stable CoreApi for bridges: NOT_ALLOWED until the account exists and its core runs. */
  readonly api: CoreApi;
  readonly onboarding: OnboardingApi;
  /** Creates and starts the core when the home already holds an account. */
  open(): Promise<Result<{ hasAccount: boolean }, string>>;
  /** Stops the core, if one runs (the home stays open). */
  stop(): Promise<void>;
};

export type AccountHostOptions = {
  home: Home;
  sodium: Sodium;
  factory: CoreFactory;
  log?: CoreLogger;
  /** How long a link code shown by onboarding stays valid (default 10 min). */
  linkTimeoutMs?: number;
  /** Called once the core runs (at open, or after createAccount or a link). */
  onStarted?: (core: HostedCore) => void;
};

const CORE_ERROR_CODES: ReadonlySet<string> = new Set<CoreErrorCode>([
  'MALFORMED_INVITE',
  'UNKNOWN_ACCOUNT',
  'UNKNOWN_CONTACT',
  'UNKNOWN_CHAT',
  'UNKNOWN_MESSAGE',
  'RELAY_UNREACHABLE',
  'TIMEOUT',
  'INVALID_ARGUMENT',
  'TOO_LARGE',
  'NOT_ALLOWED',
  'BLOCKED',
  'INTERNAL',
]);
const asCoreCode = (code: string): CoreErrorCode => (CORE_ERROR_CODES.has(code) ? (code as CoreErrorCode) : 'INTERNAL');

export function createAccountHost(options: AccountHostOptions): AccountHost {
  const { home, sodium, factory } = options;
  const late = createLateCore();
  let core: HostedCore | null = null;
  let creating = false;
  let stopped = false;

  const startCore = async (): Promise<Result<HostedCore, string>> => {
    const created = await factory.createCore(options.log ? { home, sodium, log: options.log } : { home, sodium });
    if (!created.ok) return created;
    const c = created.value;
    try {
      await c.start();
    } catch (e) {
      await c.stop();
      throw e;
    }
    core = c;
    late.attach(c);
    options.onStarted?.(c);
    return ok(c);
  };

  const link = createLinkRequester({
    run: (o) => (factory.requestLink ? factory.requestLink({ home, sodium, ...o }) : Promise.resolve(err('NOT_ALLOWED', 'linking is not available here'))),
    linked: async () => (stopped ? err('NOT_ALLOWED', 'this device is shutting down') : startCore()),
    asCoreCode,
    ...(options.linkTimeoutMs === undefined ? {} : { timeoutMs: options.linkTimeoutMs }),
  });

  const onboarding: OnboardingApi = {
    hasAccount: async () => core !== null || factory.hasAccount({ home, sodium }),
    async requestLink(opts) {
      if (stopped) return err('NOT_ALLOWED', 'this device is shutting down');
      if (creating) return err('NOT_ALLOWED', 'an account is being created');
      if (!link.running() && (core !== null || factory.hasAccount({ home, sodium }))) return err('NOT_ALLOWED', 'this device already has an account');
      return link.request(opts);
    },
    linkStatus: async () => ok(link.status()),
    cancelLink: () => link.cancel(),
    async createAccount({ name, relays }): Promise<CoreResult<WhoAmI>> {
      if (stopped) return err('NOT_ALLOWED', 'this device is shutting down');
      if (creating) return err('NOT_ALLOWED', 'an account is being created already');
      if (link.running()) return err('NOT_ALLOWED', 'this device is being linked to an existing account');
      if (core !== null || factory.hasAccount({ home, sodium })) return err('NOT_ALLOWED', 'this device already has an account');
      creating = true;
      try {
        const made = await factory.initAccount({ home, sodium, name, relays });
        if (!made.ok) return err(asCoreCode(made.code), made.message);
        if (stopped) return err('NOT_ALLOWED', 'the account was created, but this device is shutting down');
        const started = await startCore();
        if (!started.ok) return err('INTERNAL', `the account was created but its core did not start: ${started.message}`);
        return late.api.whoami();
      } finally {
        creating = false;
      }
    },
  };

  return {
    api: late.api,
    onboarding,
    async open() {
      if (!factory.hasAccount({ home, sodium })) return ok({ hasAccount: false });
      const started = await startCore();
      return started.ok ? ok({ hasAccount: true }) : started;
    },
    async stop() {
      stopped = true;
      // A link request still waiting holds the home and a relay connection: end it before the home closes.
      await link.cancel();
      const c = core;
      core = null;
      await c?.stop();
    },
  };
}
