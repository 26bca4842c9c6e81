/**
 * Milan's clock, for the pages that read or write times as they are in Milan, whatever the
 * time zone of the phone: the catalogue's proposed times, the activities' days and hours.
 */

export const ROME = 'Europe/Rome'

/** Milan's offset from UTC at `utcMs`, in minutes. */
function romeOffset(utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: ROME,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(utcMs))
  const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'))
  return Math.round((asUtc - Math.floor(utcMs / 60000) * 60000) / 60000)
}

/** A time on Milan's clocks (month 1–12) → the ISO timestamp (UTC) of that moment; null
 * when it is no date. A time skipped by the spring change reads as the hour after. */
export function milanToIso(year: number, month: number, day: number, hour: number, minute: number): string | null {
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  if (Number.isNaN(wall)) return null
  let utc = wall - romeOffset(wall) * 60000
  utc = wall - romeOffset(utc) * 60000
  return new Date(utc).toISOString()
}

/** The calendar day ("2026-03-12") of a moment, on Milan's clocks. */
export function romeDay(iso: string | Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ROME }).format(typeof iso === 'string' ? new Date(iso) : iso)
}
