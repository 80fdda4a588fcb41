// What a user reads when the core refuses something: stable codes become sentences, the core's detail is kept.
import type { CoreErrorCode } from '../../shared/core-api.js';
import type { Err } from '../../shared/result.js';

export type UserError = { code: CoreErrorCode | 'UNEXPECTED'; text: string };

const SENTENCES: Record<CoreErrorCode, string> = {
  MALFORMED_INVITE: 'That is not a valid invite code. Check it for typos: a code starts with “cairn:” and must be copied whole.',
  UNKNOWN_ACCOUNT: 'No relay in this invite knows that account. Ask your contact for a fresh invite code.',
  UNKNOWN_CONTACT: 'That person is not in your contacts yet. Add them with their invite code first.',
  UNKNOWN_CHAT: 'This chat no longer exists.',
  UNKNOWN_MESSAGE: 'That message no longer exists.',
  RELAY_UNREACHABLE: 'A relay could not be reached.',
  TIMEOUT: 'This took too long. Check your connection and try again.',
  INVALID_ARGUMENT: 'Something in this request is not valid.',
  TOO_LARGE: 'That is too large.',
  NOT_ALLOWED: 'That is not allowed.',
  BLOCKED: 'This account is blocked.',
  INTERNAL: 'Something went wrong inside Cairn.',
};

/** A readable error; the core's own message follows where it adds something (it names the relay, the limit...). */
export function userError(e: Err<CoreErrorCode>): UserError {
  const sentence = SENTENCES[e.code] ?? SENTENCES.INTERNAL;
  const detail = e.message.trim();
  const addsDetail = detail !== '' && !['MALFORMED_INVITE', 'UNKNOWN_ACCOUNT', 'UNKNOWN_CONTACT'].includes(e.code);
  return { code: e.code, text: addsDetail ? `${sentence} (${detail})` : sentence };
}

/** For thrown errors (a bridge failing mid-call): never shown as a raw stack. */
export function unexpectedError(cause: unknown): UserError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return { code: 'UNEXPECTED', text: `Something went wrong: ${detail}` };
}
