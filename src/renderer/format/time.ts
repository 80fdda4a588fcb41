// Dates as a messenger shows them: clock times in bubbles, relative day names in separators and the chat list.

const DAY_MS = 24 * 60 * 60 * 1000;

/** A key for the local calendar day of a timestamp (day separators compare these). */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days from `ms` to `now` (0 = same day), robust to daylight-saving shifts. */
export function daysAgo(ms: number, now: number): number {
  return Math.round((startOfDay(now) - startOfDay(ms)) / DAY_MS);
}

export function timeLabel(ms: number, locale?: string): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}

/** Separator text: Today, Yesterday, a weekday within the week, else a full date. */
export function dayLabel(ms: number, now: number, locale?: string): string {
  const ago = daysAgo(ms, now);
  if (ago === 0) return 'Today';
  if (ago === 1) return 'Yesterday';
  const d = new Date(ms);
  if (ago > 1 && ago < 7) return d.toLocaleDateString(locale, { weekday: 'long' });
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** Chat-list time: the clock today, a short weekday this week, else a short date. */
export function listTimeLabel(ms: number, now: number, locale?: string): string {
  const ago = daysAgo(ms, now);
  if (ago === 0) return timeLabel(ms, locale);
  if (ago === 1) return 'Yesterday';
  const d = new Date(ms);
  if (ago > 1 && ago < 7) return d.toLocaleDateString(locale, { weekday: 'short' });
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** "Last seen" wording: just now, minutes or hours ago, then the day. */
export function agoLabel(ms: number, now: number, locale?: string): string {
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 12 && daysAgo(ms, now) === 0) return `${hours} ${hours === 1 ? 'hour' : 'hours'} ago`;
  const day = dayLabel(ms, now, locale);
  return day === 'Today' || day === 'Yesterday' ? `${day.toLowerCase()} at ${timeLabel(ms, locale)}` : day;
}
