/** What the activities pages share: Milan's clock, weeks, seats and prices in words. */

import { html, type Safe } from '../html'
import { formatPrice, lang } from '../i18n'
import { milanToIso, ROME, romeDay } from '../milan'
import type { Audience, Registration, SessionBrief } from './api'
import { at, atf, type AKey } from './i18n'


const locale = (): string => (lang() === 'it' ? 'it-IT' : 'en-GB')

// --- Milan's clock ------------------------------------------------------------------------------

/** "2026-03-12" (+ "HH:MM") on Milan's clocks → an ISO timestamp (UTC). */
export function romeToIso(day: string, hhmm = '00:00'): string {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number]
  const [h, mi] = hhmm.split(':').map(Number) as [number, number]
  return milanToIso(y, mo, d, h, mi) as string
}

/** "18:00" on Milan's clocks. */
export function romeTime(iso: string): string {
  return new Intl.DateTimeFormat('it-IT', { timeZone: ROME, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  )
}

/** A day plus `n` days ("2026-03-12" → "2026-03-13"), calendar arithmetic only. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** 0 = Monday … 6 = Sunday, of a calendar day. */
export function weekdayIndex(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7
}

/** The Monday of the week of `day` (Milan). */
export function mondayOf(day: string): string {
  return addDays(day, -weekdayIndex(day))
}

export function isDay(value: string | null): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
}

/** "giovedì 12 marzo" (a calendar day). */
export function dayName(day: string, withYear = false): string {
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(`${day}T12:00:00Z`))
}

/** "12 mar" (short). */
export function shortDay(day: string): string {
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  )
}

/** "giovedì 12 marzo, 18:00–19:30". */
export function whenText(s: { starts_at: string; ends_at: string }, withYear = false): string {
  const day = romeDay(s.starts_at)
  const endDay = romeDay(s.ends_at)
  const end = endDay === day ? romeTime(s.ends_at) : `${dayName(endDay)} ${romeTime(s.ends_at)}`
  return `${dayName(day, withYear)}, ${romeTime(s.starts_at)}–${end}`
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

// --- words --------------------------------------------------------------------------------------

export function priceText(a: { free: boolean; price_cents: number }): string {
  return a.free ? at('free') : formatPrice(a.price_cents)
}

export function audienceName(a: Audience | string): string {
  return at(`audience_${a}` as AKey) ?? a
}

/** A language's name in the app's language ("arabo"). */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([lang()], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

export function languagesText(codes: string[]): string {
  return new Intl.ListFormat(lang(), { type: 'conjunction' }).format(codes.map(languageName))
}

/** "3 posti liberi", "Ultimo posto", "Completo: lista d’attesa", "Ingresso libero", "Annullato". */
export function seatsText(s: Pick<SessionBrief, 'status' | 'seats_left'>): string {
  if (s.status === 'cancelled') return at('sessionCancelled')
  if (s.seats_left === null) return at('seatsOpen')
  if (s.seats_left === 0) return at('seatsFull')
  if (s.seats_left === 1) return at('seatsOne')
  return atf('seatsMany', { n: s.seats_left })
}

export function seatsState(s: Pick<SessionBrief, 'status' | 'seats_left'>): string {
  if (s.status === 'cancelled') return 'cancelled'
  if (s.seats_left === null) return 'open'
  return s.seats_left === 0 ? 'full' : 'available'
}

export function seatsBadge(s: Pick<SessionBrief, 'status' | 'seats_left'>): Safe {
  return html`<span class="qc-badge qc-seats" data-seats="${seatsState(s)}">${seatsText(s)}</span>`
}

/** "Iscrizione confermata" / "In lista d’attesa (posizione 2)". */
export function registrationText(r: Pick<Registration, 'status' | 'waitlist_position'>): string {
  if (r.status === 'confirmed') return at('regConfirmed')
  if (r.status === 'waitlisted') {
    return r.waitlist_position ? atf('regWaitlistedAt', { n: r.waitlist_position }) : at('regWaitlisted')
  }
  return at('regCancelled')
}

export function registrationBadge(r: Pick<Registration, 'status' | 'waitlist_position'>): Safe {
  return html`<span class="qc-badge qc-reg-status" data-status="${r.status}">${registrationText(r)}</span>`
}
