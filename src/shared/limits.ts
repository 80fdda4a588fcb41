// Protocol limits shared by relay and clients; docs/PROTOCOL.md quotes them.

/** Largest WebSocket message either side accepts; the relay announces its own value in CHALLENGE. */
export const MAX_FRAME_BYTES = 256 * 1024;
/** Most device keys in one REGISTER or UNREGISTER frame. */
export const MAX_DEVICES_PER_REGISTER = 1024;
/** Largest encoded signed account record (PUT_RECORD / RECORD). */
export const MAX_RECORD_BYTES = 96 * 1024;
/** Largest profile avatar image. */
export const MAX_AVATAR_BYTES = 64 * 1024;
/** Profile name and status lengths, in Unicode code points. */
export const MAX_PROFILE_NAME_CHARS = 64;
export const MAX_PROFILE_STATUS_CHARS = 140;
/** Longest avatar MIME type string. */
export const MAX_AVATAR_MIME_CHARS = 64;
/** Most devices in one signed device list. */
export const MAX_DEVICES_PER_LIST = 256;
/** A client must send AUTH within this many milliseconds after CHALLENGE. */
export const AUTH_TIMEOUT_MS = 10_000;
/** Stored updates expire after this long unless every registered device acked them earlier. */
export const DEFAULT_UPDATE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Length of the CHALLENGE nonce. */
export const CHALLENGE_NONCE_BYTES = 32;
/** Longest message string in ERROR and CLOSING frames the relay sends. */
export const MAX_ERROR_MESSAGE_CHARS = 1024;
/** Longest message text, in UTF-8 bytes (a message's update then stays far below MAX_FRAME_BYTES). */
export const MAX_MESSAGE_TEXT = 65536;
