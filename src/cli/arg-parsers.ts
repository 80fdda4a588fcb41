// The small value parsers every command's flags share: ids, counts, timeouts (Results with code USAGE).
import type { ParseArgsConfig } from 'node:util';
import { err, ok, type Result } from '../shared/result.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Parsed = { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };

/** The largest --limit any command takes. */
export const MAX_LIMIT = 1_000_000;

export const JSON_FLAG: Options = { json: { type: 'boolean' } };

export const usage = (message: string): Result<never, 'USAGE'> => err('USAGE', message);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
export const flag = (v: unknown): boolean => v === true;

/** Lowercase hex of an even length: the shape of every id at the CLI boundary (the core checks the exact size). */
export function parseHexId(text: string, what: string): Result<string, 'USAGE'> {
  const id = text.trim().toLowerCase();
  if (!/^(?:[0-9a-f]{2}){1,64}$/.test(id)) return usage(`${what} must be a hex id, got ${JSON.stringify(text.slice(0, 80))}`);
  return ok(id);
}

export function parsePositiveInt(text: string, flagName: string): Result<number, 'USAGE'> {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > MAX_LIMIT) return usage(`${flagName} must be a whole number from 1 to ${MAX_LIMIT}`);
  return ok(Number(text));
}

/** --timeout SECONDS, in milliseconds. */
export function parseSeconds(text: string): Result<number, 'USAGE'> {
  const s = Number(text);
  if (!/^[0-9]+(?:\.[0-9]+)?$/.test(text) || !(s > 0) || s > 86_400) return usage('--timeout must be a number of seconds, above 0 and at most 86400');
  return ok(Math.round(s * 1000));
}

export function chatIdArg<C>(text: string, build: (chatId: string) => C): Result<C, 'USAGE'> {
  const id = parseHexId(text, 'CHAT_ID');
  return id.ok ? ok(build(id.value)) : id;
}
