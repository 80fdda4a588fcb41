// Which URLs may leave the app: only https links, and only to the user's browser, never into a window.

/** True for a well-formed https URL that may be handed to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  // Credentials in a link are a phishing trick (https://bank.example@evil.example), so refuse them.
  return parsed.protocol === 'https:' && parsed.hostname !== '' && parsed.username === '' && parsed.password === '';
}
