/** RFC 3339 timestamps as the time provider and ARM exchange them: UTC, whole seconds, `Z`. */

const DAY_MS = 86_400_000;

/** `rfc3339` shifted by `days` (negative: earlier), in whole-second UTC form. Throws on an unparseable timestamp. */
export function addDays(rfc3339: string, days: number): string {
  return new Date(parseTimestamp(rfc3339) + days * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Seconds since the Unix epoch, as Key Vault's `attributes.expires` wants them. */
export function unixSeconds(rfc3339: string): number {
  return Math.floor(parseTimestamp(rfc3339) / 1000);
}

function parseTimestamp(rfc3339: string): number {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) throw new Error(`"${rfc3339}" is not an RFC 3339 timestamp`);
  return ms;
}
