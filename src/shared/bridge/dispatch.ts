// One call from a bridge (IPC or WebSocket) to the core or to onboarding: the method looked up in the two
// allow-lists, its params checked by their zod schema, then run; every outcome is a Result.
import type { CoreApi, OnboardingApi } from '../core-api.js';
import { err } from '../result.js';
import type { BridgeResult } from './frames.js';
import { CORE_METHODS, ONBOARDING_METHODS, runCall, validateCall } from './methods.js';

export type BridgeTargets = { core: CoreApi; onboarding: OnboardingApi };

export async function dispatchCall(targets: BridgeTargets, method: unknown, params: unknown, onError?: (error: unknown, method: string) => void): Promise<BridgeResult> {
  if (typeof method !== 'string') return err('BAD_REQUEST', 'the method must be a string');
  if (!Array.isArray(params)) return err('BAD_REQUEST', 'params must be an array');
  const report = onError ? (e: unknown) => onError(e, method) : undefined;
  if (Object.hasOwn(ONBOARDING_METHODS, method)) {
    const v = validateCall(ONBOARDING_METHODS, method, params);
    return v.ok ? runCall(v.value, targets.onboarding, report) : v;
  }
  const v = validateCall(CORE_METHODS, method, params);
  return v.ok ? runCall(v.value, targets.core, report) : v;
}
