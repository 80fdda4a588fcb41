// Settings → Devices: this account's devices, linking a new one (paste its code, compare the SAS, confirm or
// cancel) and revoking one.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { DeviceView, LinkApprovalView } from '../../shared/core-api.js';
import { coreAccess } from './core.js';
import { unexpectedError, userError, type UserError } from './errors.js';

/** idle: nothing under way; code: the paste field; sas: compare the codes; done: the new device is linked. */
export type LinkStep = 'idle' | 'code' | 'sas' | 'done';

/** The link code a new device shows: "cairn-link:" then base32 (a QR reader may uppercase it). */
export function linkCodeProblem(code: string): string | null {
  const c = code.trim().toLowerCase();
  if (c === '') return 'Paste the link code your new device shows.';
  if (!/^cairn-link:[a-z2-7]+$/.test(c)) return 'That is not a link code. It starts with “cairn-link:” and must be copied whole.';
  return null;
}

export const useDevicesStore = defineStore('devices', () => {
  const { core } = coreAccess();
  const list = shallowRef<DeviceView[]>([]);
  const loadError = shallowRef<UserError | null>(null);
  const step = shallowRef<LinkStep>('idle');
  const approval = shallowRef<LinkApprovalView | null>(null);
  const linked = shallowRef<{ deviceId: string; name: string } | null>(null);
  const busy = shallowRef(false);
  const linkError = shallowRef<UserError | null>(null);
  /** The device being revoked, if any. */
  const revoking = shallowRef<string | null>(null);
  const revokeError = shallowRef<UserError | null>(null);

  /** A device's label: its name, else a short form of its id. */
  function nameOf(deviceId: string): string {
    const d = list.value.find((x) => x.deviceId === deviceId);
    return d !== undefined && d.name !== '' ? d.name : `Device ${deviceId.slice(0, 8)}`;
  }

  async function load(): Promise<boolean> {
    try {
      const r = await core().devices();
      if (!r.ok) {
        loadError.value = userError(r);
        return false;
      }
      list.value = r.value;
      loadError.value = null;
      return true;
    } catch (cause) {
      loadError.value = unexpectedError(cause);
      return false;
    }
  }

  function startLink(): void {
    step.value = 'code';
    approval.value = null;
    linked.value = null;
    linkError.value = null;
  }

  /** Meets the device behind the code; on success the SAS is shown for comparing. */
  async function approve(code: string): Promise<boolean> {
    const problem = linkCodeProblem(code);
    if (problem !== null) {
      linkError.value = { code: 'INVALID_ARGUMENT', text: problem };
      return false;
    }
    busy.value = true;
    linkError.value = null;
    try {
      const r = await core().approveLink(code.trim().toLowerCase());
      if (!r.ok) {
        linkError.value = userError(r);
        return false;
      }
      approval.value = r.value;
      step.value = 'sas';
      return true;
    } catch (cause) {
      linkError.value = unexpectedError(cause);
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** The user compared the SAS: hand the account over (accept) or tell the new device no. */
  async function confirm(accept: boolean): Promise<boolean> {
    const a = approval.value;
    if (a === null) return false;
    busy.value = true;
    linkError.value = null;
    try {
      const r = await core().confirmLink(a.linkId, accept);
      approval.value = null;
      if (!accept) {
        step.value = 'idle';
        return true;
      }
      if (!r.ok) {
        linkError.value = userError(r);
        step.value = 'code';
        return false;
      }
      linked.value = r.value;
      step.value = 'done';
      await load();
      return true;
    } catch (cause) {
      linkError.value = unexpectedError(cause);
      return false;
    } finally {
      busy.value = false;
    }
  }

  function closeLink(): void {
    if (step.value === 'sas' && approval.value !== null) void confirm(false);
    step.value = 'idle';
    linkError.value = null;
  }

  async function revoke(deviceId: string): Promise<boolean> {
    revoking.value = deviceId;
    revokeError.value = null;
    try {
      const r = await core().revokeDevice(deviceId);
      if (!r.ok) {
        revokeError.value = userError(r);
        return false;
      }
      await load();
      return true;
    } catch (cause) {
      revokeError.value = unexpectedError(cause);
      return false;
    } finally {
      revoking.value = null;
    }
  }

  return { list, loadError, step, approval, linked, busy, linkError, revoking, revokeError, nameOf, load, startLink, approve, confirm, closeLink, revoke };
});
