/** What the activities pages share: Milan's clock, weeks, seats and prices in words, scaffolding. */

import type { Me } from '../api'
import { html, type Safe } from '../html'
import { lang } from '../i18n'
import { alertBox } from '../layout'
import { errorMessage } from '../pages/common'
import { navigate, type PageContext } from '../router'
import { loadSession, refreshSession } from '../session'
import type { Audience, Registration, SessionBrief } from './api'
import { at, atf, type AKey } from './i18n'

export const ROME = 'Europe/Rome'

const locale = (): string => (lang() === 'it' ? 'it-IT' : 'en-GB')

// --- Milan's clock ------------------------------------------------------------------------------

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

/** "2026-03-12" (+ "HH:MM") on Milan's clocks → an ISO timestamp (UTC). */
export function romeToIso(day: string, hhmm = '00:00'): string {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number]
  const [h, mi] = hhmm.split(':').map(Number) as [number, number]
  const wall = Date.UTC(y, mo - 1, d, h, mi)
  let utc = wall - romeOffset(wall) * 60000
  utc = wall - romeOffset(utc) * 60000
  return new Date(utc).toISOString()
}

/** The calendar day ("2026-03-12") of a moment, on Milan's clocks. */
export function romeDay(iso: string | Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ROME }).format(typeof iso === 'string' ? new Date(iso) : iso)
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

export function euro(cents: number): string {
  const amount = (cents / 100).toFixed(2)
  return lang() === 'it' ? `€ ${amount.replace('.', ',')}` : `€${amount}`
}

export function priceText(a: { free: boolean; price_cents: number }): string {
  return a.free ? at('free') : euro(a.price_cents)
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

// --- scaffolding --------------------------------------------------------------------------------

/** The signed-in user, or a trip to the sign-in page (back here afterwards). */
export async function requireUser(ctx: PageContext, fresh = false): Promise<Me | null> {
  const me = fresh ? await refreshSession() : await loadSession()
  if (ctx.signal.aborted) return null
  if (!me) {
    navigate('/accedi?next=' + encodeURIComponent(location.pathname + location.search), { replace: true })
    return null
  }
  return me
}

export function errorView(title: string, err: unknown, extra: Safe | '' = ''): Safe {
  return html`<div class="container py-5 qc-narrow">
    <h1>${title}</h1>
    <div aria-live="assertive">${alertBox('danger', errorMessage(err))}</div>
    ${extra}
  </div>`
}

export function messageView(title: string, message: string, extra: Safe | '' = ''): Safe {
  return html`<div class="container py-5 qc-narrow">
    <h1>${title}</h1>
    <div aria-live="polite">${alertBox('info', message)}</div>
    ${extra}
  </div>`
}

/** A region for a page's own announcements (polite: they follow the user's actions). */
export function pageStatus(id: string): Safe {
  return html`<div class="qc-page-status" id="${id}" aria-live="polite" aria-atomic="true"></div>`
}

export function breadcrumb(items: { href?: string; label: string }[]): Safe {
  return html`<nav class="breadcrumb-container" aria-label="${at('breadcrumb')}">
    <ol class="breadcrumb">
      ${items.map((item) =>
        item.href
          ? html`<li class="breadcrumb-item"><a href="${item.href}">${item.label}</a><span class="separator" aria-hidden="true">/</span></li>`
          : html`<li class="breadcrumb-item active" aria-current="page">${item.label}</li>`,
      )}
    </ol>
  </nav>`
}

/** Paragraphs of a text written with blank lines between them. */
export function paragraphs(text: string): Safe {
  return html`${text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p class="qc-prewrap">${p}</p>`)}`
}

export interface Option {
  value: string
  label: string
}

export function selectBox(formId: string, name: string, label: string, options: Option[], selected: string, help = ''): Safe {
  const id = `${formId}-${name}`
  return html`<div class="select-wrapper qc-field qc-select" data-field="${name}">
    <label for="${id}">${label}</label>
    <select id="${id}" name="${name}" ${help ? html`aria-describedby="${id}-help"` : ''}>
      ${options.map((o) => html`<option value="${o.value}" ${o.value === selected ? 'selected' : ''}>${o.label}</option>`)}
    </select>
    ${help ? html`<small class="form-text" id="${id}-help">${help}</small>` : ''}
  </div>`
}

export function textareaField(
  formId: string,
  name: string,
  label: string,
  o: { help?: string; required?: boolean; rows?: number; maxlength?: number; value?: string } = {},
): Safe {
  const id = `${formId}-${name}`
  return html`<div class="form-group qc-field" data-field="${name}">
    <label for="${id}" class="active">${label}</label>
    <textarea
      class="form-control qc-textarea"
      id="${id}"
      name="${name}"
      rows="${o.rows ?? 4}"
      ${o.maxlength ? html`maxlength="${o.maxlength}"` : ''}
      ${o.required ? html`required aria-required="true"` : ''}
      ${o.help ? html`aria-describedby="${id}-help"` : ''}
    >${o.value ?? ''}</textarea>
    ${o.help ? html`<small class="form-text" id="${id}-help">${o.help}</small>` : ''}
  </div>`
}

/**
 * A question with "yes" and "no" buttons, shown in place (no browser dialog): `onYes` runs
 * on yes, and the panel goes away either way. Focus moves to the question and back.
 */
export function askToConfirm(
  container: HTMLElement,
  question: string,
  yesLabel: string,
  onYes: () => Promise<void>,
  returnFocus: HTMLElement | null,
): void {
  container.hidden = false
  container.innerHTML = html`<div class="qc-confirm" role="group" aria-labelledby="${container.id}-q">
    <p class="qc-confirm-question" id="${container.id}-q" tabindex="-1">${question}</p>
    <div class="qc-actions">
      <button type="button" class="btn btn-primary" data-answer="yes">${yesLabel}</button>
      <button type="button" class="btn btn-outline-primary" data-answer="no">${at('confirmNo')}</button>
    </div>
  </div>`.value
  container.querySelector<HTMLElement>('.qc-confirm-question')?.focus()
  const close = (): void => {
    container.hidden = true
    container.innerHTML = ''
  }
  container.onclick = (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-answer]')
    if (!button) return
    if (button.dataset.answer === 'no') {
      close()
      returnFocus?.focus()
      return
    }
    for (const b of container.querySelectorAll('button')) b.disabled = true
    void onYes().finally(close)
  }
}
