/** What the time-bank and marketplace pages share: durations in words, fields, cards, flags. */

import { statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, lang } from '../i18n'
import { alertBox } from '../layout'
import { selectBox, textareaField } from '../pages/scaffold'
import type { Category, Exchange, Listing } from './api'
import { mt, mtf, type MKey } from './i18n'

/** A duration as a person says it: "2 ore e 30 minuti", "1 ora", "45 minuti". */
export function duration(minutes: number): string {
  const total = Math.abs(Math.trunc(minutes))
  const h = Math.floor(total / 60)
  const m = total % 60
  const it = lang() === 'it'
  const hours = h === 1 ? (it ? '1 ora' : '1 hour') : it ? `${h} ore` : `${h} hours`
  const mins = m === 1 ? (it ? '1 minuto' : '1 minute') : it ? `${m} minuti` : `${m} minutes`
  if (h && m) return `${hours} ${it ? 'e' : 'and'} ${mins}`
  if (h) return hours
  return mins
}

/** The first word of a display name: listings show only that. */
export function firstName(displayName: string): string {
  return displayName.trim().split(/\s+/)[0] ?? displayName
}

// --- fields ------------------------------------------------------------------------------

const HOUR_CHOICES = Array.from({ length: 25 }, (_v, i) => i)
const MINUTE_CHOICES = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]

/**
 * How long, as two drop-downs (hours, minutes): no arithmetic, no keyboard. The form's
 * values `hours` and `minutes_part` are read back with `durationValue`.
 */
export function durationField(formId: string, legend: string, minutes: number | null, help = ''): Safe {
  const total = minutes ?? 60
  const h = Math.min(24, Math.floor(total / 60))
  let m = total % 60
  if (!MINUTE_CHOICES.includes(m)) m = MINUTE_CHOICES.reduce((a, b) => (Math.abs(b - m) < Math.abs(a - m) ? b : a))
  const helpId = help ? `${formId}-duration-help` : ''
  return html`<fieldset class="qc-duration" data-field="duration" ${helpId ? html`aria-describedby="${helpId}"` : ''}>
    <legend>${legend}</legend>
    ${help ? html`<p class="form-text qc-duration-help" id="${helpId}">${help}</p>` : ''}
    <div class="qc-duration-parts">
      ${selectBox(
        formId,
        'hours',
        mt('hoursLabel'),
        HOUR_CHOICES.map((n) => ({ value: String(n), label: n === 1 ? mt('oneHour') : mtf('nHours', { n }) })),
        String(h),
      )}
      ${selectBox(
        formId,
        'minutes_part',
        mt('minutesLabel'),
        MINUTE_CHOICES.map((n) => ({ value: String(n), label: mtf('nMinutes', { n }) })),
        String(m),
      )}
    </div>
  </fieldset>`
}

export function durationValue(values: Record<string, string>): number {
  return Number(values.hours ?? 0) * 60 + Number(values.minutes_part ?? 0)
}

/**
 * The API names the field `minutes`; these forms show it as two drop-downs: its
 * messages go under the hours.
 */
export function durationErrors(fields: Record<string, string[]>): Record<string, string[]> {
  const out = { ...fields }
  for (const name of ['minutes', 'minutes_estimate']) {
    if (out[name]) {
      out.hours = [...(out.hours ?? []), ...out[name]]
      delete out[name]
    }
  }
  return out
}

// --- listings and exchanges ---------------------------------------------------------------

export function kindName(kind: string): string {
  return kind === 'request' ? mt('kindRequest') : mt('kindOffer')
}

export function categoryName(categories: Map<string, Category>, code: string): string {
  return categories.get(code)?.name ?? code
}

export function kindBadge(kind: string): Safe {
  return html`<span class="qc-badge qc-badge-kind" data-kind="${kind}">${kindName(kind)}</span>`
}

export function listingCard(listing: Listing, categories: Map<string, Category>, level: 2 | 3 = 2): Safe {
  const estimate = listing.minutes_estimate ? mtf('aboutDuration', { d: duration(listing.minutes_estimate) }) : ''
  return html`<li class="qc-listing" data-id="${listing.id}" data-kind="${listing.kind}">
    <h${level} class="qc-listing-title"><a href="/scambi/annunci/${listing.id}">${listing.title}</a></h${level}>
    <p class="qc-badges">
      ${kindBadge(listing.kind)}
      ${listing.status === 'closed' ? html`<span class="qc-badge">${mt('listingClosedBadge')}</span>` : ''}
      ${listing.hidden ? html`<span class="qc-badge qc-badge-late">${mt('hiddenBadge')}</span>` : ''}
    </p>
    <p class="qc-listing-meta">
      <span class="qc-listing-category">${categoryName(categories, listing.category)}</span>
      ${estimate ? html` · <span class="qc-listing-minutes">${estimate}</span>` : ''}
    </p>
    <p class="qc-listing-owner">
      ${listing.mine ? mt('byYou') : mtf('byName', { name: firstName(listing.owner.display_name) })} ·
      <time datetime="${listing.created_at}">${formatDateTime(listing.created_at)}</time>
    </p>
  </li>`
}

export function statusName(status: string): string {
  return mt(`exStatus_${status}` as MKey) ?? status
}

export function statusBadge(status: string): Safe {
  return html`<span class="qc-badge qc-badge-status" data-status="${status}">${statusName(status)}</span>`
}

export function otherParty(exchange: Exchange): { id: number; display_name: string } {
  return exchange.my_role === 'provider' ? exchange.receiver : exchange.provider
}

export function exchangeCard(exchange: Exchange): Safe {
  const other = otherParty(exchange)
  const role = exchange.my_role === 'provider' ? mtf('youHelp', { name: other.display_name }) : mtf('helpsYou', { name: other.display_name })
  return html`<li class="qc-exchange-item" data-id="${exchange.id}" data-status="${exchange.status}">
    <h3 class="qc-listing-title"><a href="/scambi/${exchange.id}">${exchange.listing.title}</a></h3>
    <p class="qc-badges">${statusBadge(exchange.status)}</p>
    <p class="qc-listing-meta">${role} · ${duration(exchange.minutes)}</p>
  </li>`
}

/** "Segnala": a reason for the moderators, folded away until opened. */
export function flagForm(formId: string, summary: string, help: string): Safe {
  return html`<div class="qc-flag"><details class="qc-flag-box">
    <summary class="qc-flag-summary">${summary}</summary>
    <p>${help}</p>
    <form id="${formId}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(formId)}
      ${textareaField(formId, 'reason', mt('flagReasonLabel'), { required: true, rows: 3, maxlength: 1000 })}
      <button type="submit" class="btn btn-outline-danger">${mt('flagSubmit')}</button>
    </form>
  </details></div>`
}

/** After a flag was sent: the form makes way for the thanks, which takes the focus. */
export function flagDone(form: HTMLFormElement, message: string): void {
  const wrap = form.closest<HTMLElement>('.qc-flag')
  if (!wrap) return
  setHtml(wrap, html`<div tabindex="-1" class="qc-flag-done">${alertBox('success', message)}</div>`)
  wrap.querySelector<HTMLElement>('.qc-flag-done')?.focus()
}
