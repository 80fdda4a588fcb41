// TEST ONLY: the fake core's account side: onboarding and linking, devices, profile, relays and status
// (fake-core.ts assembles the whole fake).
import type { ChatSyncStatus, CoreApi, CoreStatus, DeviceView, LinkRequestView, OnboardingApi, WhoAmI } from '../../shared/core-api.js';
import { err, ok } from '../../shared/result.js';
import { ME, ME_DEVICE, type FakeState } from './fake-core-state.js';

type AccountMethods = OnboardingApi &
  Pick<
    CoreApi,
    'devices' | 'approveLink' | 'confirmLink' | 'backfillProgress' | 'revokeDevice' | 'chatSyncStatus' | 'whoami' | 'setProfile' | 'status' | 'sync' | 'addRelay' | 'removeRelay'
  >;

export function fakeAccountMethods(s: FakeState): AccountMethods {
  return {
    async hasAccount() {
      s.record('hasAccount', []);
      return s.hasAccount;
    },
    async createAccount(o) {
      s.record('createAccount', [o]);
      const f = s.failure<WhoAmI>('createAccount');
      if (f) return f;
      if (s.hasAccount) return err('NOT_ALLOWED', 'this device has an account');
      s.hasAccount = true;
      s.me = { ...s.me, name: o.name, relays: [...o.relays] };
      return ok({ ...s.me });
    },
    async requestLink(o) {
      s.record('requestLink', [o]);
      const f = s.failure<LinkRequestView>('requestLink');
      if (f) return f;
      if (s.hasAccount) return err('NOT_ALLOWED', 'this device already has an account');
      if (s.link.state !== 'waiting' && s.link.state !== 'comparing') s.link = { state: 'waiting', code: `cairn-link:${'q'.repeat(40)}`, sas: null, expiresAt: s.now() + 600_000, error: null };
      return ok({ ...s.link });
    },
    async linkStatus() {
      s.record('linkStatus', []);
      return ok({ ...s.link });
    },
    async cancelLink() {
      s.record('cancelLink', []);
      if (s.link.state === 'waiting' || s.link.state === 'comparing') s.link = { state: 'idle', code: null, sas: null, expiresAt: null, error: null };
      return ok({ ...s.link });
    },
    async devices() {
      s.record('devices', []);
      return s.failure<DeviceView[]>('devices') ?? ok(s.devices.map((d) => ({ ...d })));
    },
    async approveLink(code, o) {
      s.record('approveLink', [code, ...(o ? [o] : [])]);
      const f = s.failure<{ linkId: string; sas: string; deviceId: string; name: string }>('approveLink');
      if (f) return f;
      if (!code.trim().startsWith('cairn-link:')) return err('INVALID_ARGUMENT', 'the link code is mistyped');
      const linkId = s.id(16);
      const device = { deviceId: s.id(32), name: 'New laptop' };
      s.approvals.set(linkId, device);
      return ok({ linkId, sas: '482 193', ...device });
    },
    async confirmLink(linkId, accept, o) {
      s.record('confirmLink', [linkId, accept, ...(o ? [o] : [])]);
      const f = s.failure<{ deviceId: string; name: string }>('confirmLink');
      if (f) return f;
      const device = s.approvals.get(linkId);
      s.approvals.delete(linkId);
      if (device === undefined) return err('INVALID_ARGUMENT', 'no such link');
      if (!accept) return err('NOT_ALLOWED', 'the link was declined');
      s.devices.push({ ...device, lastSeen: s.now(), current: false });
      return ok({ ...device });
    },
    async backfillProgress() {
      s.record('backfillProgress', []);
      return ok({ ...s.backfill });
    },
    async revokeDevice(deviceId, o) {
      s.record('revokeDevice', [deviceId, ...(o ? [o] : [])]);
      const f = s.failure<{ deviceId: string }>('revokeDevice');
      if (f) return f;
      const at = s.devices.findIndex((d) => d.deviceId === deviceId);
      if (at < 0) return err('INVALID_ARGUMENT', 'not a device of this account');
      if (s.devices[at]!.current) return err('NOT_ALLOWED', 'this device cannot revoke itself');
      s.devices.splice(at, 1);
      return ok({ deviceId });
    },
    async chatSyncStatus(chatId) {
      s.record('chatSyncStatus', [chatId]);
      const f = s.failure<ChatSyncStatus>('chatSyncStatus');
      if (f) return f;
      if (!s.chats.has(chatId)) return s.noChat();
      return ok(s.chatSync.get(chatId) ?? { chatId, allInSync: true, devices: [{ deviceId: ME_DEVICE, account: ME, inSync: true, current: true, digestAt: s.now() }] });
    },
    async whoami() {
      s.record('whoami', []);
      return s.failure<WhoAmI>('whoami') ?? ok({ ...s.me, relays: [...s.me.relays] });
    },
    async setProfile(p) {
      s.record('setProfile', [p]);
      const f = s.failure<WhoAmI>('setProfile');
      if (f) return f;
      s.me = { ...s.me, name: p.name ?? s.me.name, status: p.status ?? s.me.status };
      if (p.avatar !== undefined) s.me.avatar = p.avatar === null ? null : { mime: p.avatar.mime, dataUrl: `data:${p.avatar.mime};base64,${btoa(String.fromCharCode(...p.avatar.bytes))}` };
      return ok({ ...s.me });
    },
    async status() {
      s.record('status', []);
      return s.failure<CoreStatus>('status') ?? ok(structuredClone(s.status));
    },
    async sync() {
      s.record('sync', []);
      return ok({ topics: s.chats.size });
    },
    async addRelay(url) {
      s.record('addRelay', [url]);
      const f = s.failure<WhoAmI>('addRelay');
      if (f) return f;
      if (!/^wss?:\/\/[^\s/]+/.test(url)) return err('INVALID_ARGUMENT', `not a ws:// or wss:// relay URL: ${JSON.stringify(url)}`);
      if (s.me.relays.includes(url)) return err('INVALID_ARGUMENT', `${url} is already one of this account's relays`);
      s.me = { ...s.me, relays: [...s.me.relays, url] };
      s.status = { ...s.status, relays: [...s.status.relays, { url, connected: true, storeId: `store-${s.me.relays.length}`, lastError: null }] };
      s.emit('status', structuredClone(s.status));
      return ok({ ...s.me, relays: [...s.me.relays] });
    },
    async removeRelay(url) {
      s.record('removeRelay', [url]);
      const f = s.failure<WhoAmI>('removeRelay');
      if (f) return f;
      if (!s.me.relays.includes(url)) return err('INVALID_ARGUMENT', `${JSON.stringify(url)} is not one of this account's relays`);
      if (s.me.relays.length === 1) return err('NOT_ALLOWED', "this is the account's only relay: add another one before removing it");
      s.me = { ...s.me, relays: s.me.relays.filter((r) => r !== url) };
      s.status = { ...s.status, relays: s.status.relays.filter((r) => r.url !== url) };
      s.emit('status', structuredClone(s.status));
      return ok({ ...s.me, relays: [...s.me.relays] });
    },
  };
}
