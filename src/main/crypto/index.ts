// Picks the crypto backend: the native addon when it loads (about twice as fast), else WebAssembly.
import type { Sodium } from '../../shared/crypto/sodium.js';
import { loadNativeSodium } from './native.js';
import { loadWasmSodium } from './wasm.js';

export async function loadSodium(prefer: 'native' | 'wasm' = 'native'): Promise<Sodium> {
  if (prefer === 'wasm') return loadWasmSodium();
  try {
    return loadNativeSodium();
  } catch {
    return loadWasmSodium();
  }
}
