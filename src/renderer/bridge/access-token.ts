// The access token of `cairn serve`: it arrives in the URL fragment (#token=...), which no request carries.
// It is moved into this tab's sessionStorage, so a reload still works, and removed from the address bar, so
// it does not linger in the history, bookmarks or screenshots.

const STORAGE_KEY = 'cairn.serve.token';

export type TokenPlace = {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState'>;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
};

/** The token from the fragment (then stored and removed from the URL) or from this tab's storage; null if none. */
export function takeAccessToken(place: TokenPlace): string | null {
  const fromHash = new URLSearchParams(place.location.hash.replace(/^#/, '')).get('token');
  if (fromHash !== null && fromHash !== '') {
    place.storage.setItem(STORAGE_KEY, fromHash);
    place.history.replaceState(null, '', `${place.location.pathname}${place.location.search}`);
    return fromHash;
  }
  return place.storage.getItem(STORAGE_KEY);
}

/** Drops a token the server refused (a restarted `cairn serve` has a new one). */
export function forgetAccessToken(place: Pick<TokenPlace, 'storage'>): void {
  place.storage.removeItem(STORAGE_KEY);
}
