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
