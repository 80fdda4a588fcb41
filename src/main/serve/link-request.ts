// Onboarding's "Link to an existing device" in a process that hosts the home (`cairn serve`, the desktop app):
// runs the new device's side of a link (src/main/core/link/request.ts) in the background and keeps what the
// page polls with linkStatus(): the code, then the SAS, then linked (after the host started the core) or failed.
import type { CoreErrorCode, CoreResult, LinkRequestView } from '../../shared/core-api.js';
import { isRelayUrl } from '../../shared/invite.js';
import { err, ok, type Result } from '../../shared/result.js';

/** How long a link code shown in the UI stays valid (as `cairn link request`'s default --timeout). */
export const UI_LINK_TIMEOUT_MS = 10 * 60_000;

export type RunLink = (options: {
  relay: string;
  name?: string;
  timeoutMs: number;
  onCode(code: string): void;
  onSas(sas: string): void;
  signal: AbortSignal;
}) => Promise<Result<{ accountId: string; deviceId: string }, string>>;

export type LinkRequester = {
  request(opts: { relay: string; name?: string }): Promise<CoreResult<LinkRequestView>>;
  status(): LinkRequestView;
  /** Stops the running request and answers once it ended ('idle', or 'linked' if the handover was already in). */
  cancel(): Promise<CoreResult<LinkRequestView>>;
  /** True while a request waits for its code, its SAS or its handover. */
  running(): boolean;
};

const IDLE: LinkRequestView = { state: 'idle', code: null, sas: null, expiresAt: null, error: null };

export function createLinkRequester(options: {
  run: RunLink;
  /** Starts the core of the linked home; an error message when it does not start. */
  linked(): Promise<Result<unknown, string>>;
  asCoreCode(code: string): CoreErrorCode;
  now?: () => number;
  timeoutMs?: number;
}): LinkRequester {
  const now = options.now ?? Date.now;
  let view: LinkRequestView = IDLE;
  let active: { abort: AbortController; done: Promise<void> } | null = null;

  const fail = (code: CoreErrorCode, message: string) => {
    view = { ...view, state: 'failed', error: { code, message } };
  };

  return {
    status: () => ({ ...view }),
    running: () => active !== null,
    async cancel() {
      const a = active;
      if (a === null) return ok({ ...view });
      a.abort.abort();
      await a.done;
      if (view.state !== 'linked') view = { ...IDLE };
      return ok({ ...view });
    },
    async request({ relay, name }) {
      if (active !== null) return ok({ ...view });
      const url = relay.trim();
      if (!isRelayUrl(url)) return err('INVALID_ARGUMENT', `not a ws:// or wss:// relay URL: ${JSON.stringify(url.slice(0, 80))}`);
      const timeoutMs = options.timeoutMs ?? UI_LINK_TIMEOUT_MS;
      const abort = new AbortController();
      view = { ...IDLE };
      let codeShown: () => void = () => {};
      const code = new Promise<void>((resolve) => (codeShown = resolve));
      const done = options
        .run({
          relay: url,
          ...(name === undefined ? {} : { name }),
          timeoutMs,
          signal: abort.signal,
          onCode: (c) => {
            view = { ...view, state: 'waiting', code: c, expiresAt: now() + timeoutMs };
            codeShown();
          },
          onSas: (sas) => {
            view = { ...view, state: 'comparing', sas };
          },
        })
        .then(async (r) => {
          if (!r.ok) return fail(options.asCoreCode(r.code), r.message);
          const started = await options.linked();
          if (!started.ok) return fail('INTERNAL', `this device was linked, but its core did not start: ${started.message}`);
          view = { ...view, state: 'linked', error: null };
        })
        .catch((e: unknown) => fail('INTERNAL', `linking failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => {
          active = null;
        });
      active = { abort, done };
      await Promise.race([code, done]);
      if (view.state === 'failed' && view.error !== null) return err(view.error.code, view.error.message);
      return ok({ ...view });
    },
  };
}
