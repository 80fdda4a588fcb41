import { describe, expect, it } from 'vitest';
import { withFakeCore } from '../testing/setup.js';
import { relayProblem, useOnboardingStore } from './onboarding.js';

describe('onboarding store', () => {
  it('moves between welcome, create and link, clearing errors', () => {
    withFakeCore({ hasAccount: false });
    const onboarding = useOnboardingStore();
    expect(onboarding.step).toBe('welcome');
    onboarding.go('link');
    expect(onboarding.step).toBe('link');
    onboarding.error = { code: 'INTERNAL', text: 'x' };
    onboarding.go('create');
    expect(onboarding.error).toBeNull();
  });

  it('checks name and relay before creating', async () => {
    const core = withFakeCore({ hasAccount: false });
    const onboarding = useOnboardingStore();
    expect(await onboarding.create()).toBeNull();
    expect(onboarding.error?.text).toBe('Enter a name.');
    onboarding.name = 'Grace';
    onboarding.relay = 'http://example.com';
    expect(await onboarding.create()).toBeNull();
    expect(onboarding.error?.text).toMatch(/ws:\/\/host:port/);
    expect(core.calls.some((c) => c.method === 'createAccount')).toBe(false);
  });

  it('shows a relay the core could not reach', async () => {
    const core = withFakeCore({ hasAccount: false });
    const onboarding = useOnboardingStore();
    onboarding.name = 'Grace';
    core.failNext('createAccount', 'RELAY_UNREACHABLE', 'ws://127.0.0.1:8787: connection refused');
    expect(await onboarding.create()).toBeNull();
    expect(onboarding.error?.text).toMatch(/relay could not be reached.*connection refused/);
    expect(onboarding.creating).toBe(false);
  });

  it('accepts ws and wss relay URLs', () => {
    expect(relayProblem('ws://127.0.0.1:8787')).toBeNull();
    expect(relayProblem('wss://relay.example.org')).toBeNull();
    expect(relayProblem('')).toMatch(/Enter a relay/);
  });
});

describe('onboarding: link to an existing device', () => {
  it('asks for a code with the relay and an optional device name, then follows the SAS to linked', async () => {
    const core = withFakeCore({ hasAccount: false });
    const onboarding = useOnboardingStore();
    onboarding.go('link');
    onboarding.relay = ' ws://127.0.0.1:8787 ';
    expect(await onboarding.requestLink()).toBe(true);
    expect(core.calls.find((c) => c.method === 'requestLink')?.args).toEqual([{ relay: 'ws://127.0.0.1:8787' }]);
    expect(onboarding.link).toMatchObject({ state: 'waiting', code: expect.stringMatching(/^cairn-link:/), sas: null });
    expect(await onboarding.refreshLink()).toBe(false);
    core.advanceLink({ sas: '482 193' });
    expect(await onboarding.refreshLink()).toBe(false);
    expect(onboarding.link).toMatchObject({ state: 'comparing', sas: '482 193' });
    core.advanceLink({ linked: true });
    expect(await onboarding.refreshLink()).toBe(true);
    expect(await core.hasAccount()).toBe(true);
  });

  it('passes a trimmed device name, and checks the relay first', async () => {
    const core = withFakeCore({ hasAccount: false });
    const onboarding = useOnboardingStore();
    onboarding.relay = 'https://nope';
    expect(await onboarding.requestLink()).toBe(false);
    expect(onboarding.error?.text).toMatch(/ws:\/\/host:port/);
    onboarding.relay = 'ws://127.0.0.1:8787';
    onboarding.deviceName = 'x'.repeat(65);
    expect(await onboarding.requestLink()).toBe(false);
    expect(onboarding.error?.text).toMatch(/at most 64/);
    onboarding.deviceName = '  Work laptop ';
    expect(await onboarding.requestLink()).toBe(true);
    expect(core.calls.filter((c) => c.method === 'requestLink').map((c) => c.args)).toEqual([[{ relay: 'ws://127.0.0.1:8787', name: 'Work laptop' }]]);
  });

  it('shows why a link failed, and a refused request', async () => {
    const core = withFakeCore({ hasAccount: false });
    const onboarding = useOnboardingStore();
    core.failNext('requestLink', 'RELAY_UNREACHABLE', 'cannot reach ws://127.0.0.1:8787');
    expect(await onboarding.requestLink()).toBe(false);
    expect(onboarding.error?.text).toMatch(/relay could not be reached/);
    expect(await onboarding.requestLink()).toBe(true);
    core.advanceLink({ failed: { code: 'NOT_ALLOWED', message: 'the link was declined on the existing device' } });
    expect(await onboarding.refreshLink()).toBe(false);
    expect(onboarding.link?.state).toBe('failed');
    expect(onboarding.error?.text).toMatch(/declined on the existing device/);
    onboarding.resetLink();
    expect(onboarding.link).toBeNull();
    expect(onboarding.error).toBeNull();
  });

  it('cancels a waiting request on the host and returns to the form', async () => {
    const core = withFakeCore({ hasAccount: false });
    const onboarding = useOnboardingStore();
    await onboarding.requestLink();
    expect(onboarding.link?.state).toBe('waiting');
    expect(await onboarding.cancelLink()).toBe(false);
    expect(onboarding.link).toBeNull();
    expect(core.calls.filter((c) => c.method === 'cancelLink')).toHaveLength(1);
    expect((await core.linkStatus()).ok && (await core.linkStatus())).toMatchObject({ value: { state: 'idle' } });
  });
});
