/** What the catalogue pages share: prices and hours in words, cards. */

import { WEEKDAYS, type OpeningHours, type Weekday } from '../api'
import { html, type Safe } from '../html'
import { formatDate, formatPrice, lang, weekdayNames } from '../i18n'
import { milanToIso, ROME, romeDay } from '../milan'
import type { Closure, PriceModel, RequestStatus, Service, ServiceRequest } from './api'
import { ct, ctf, type CKey } from './i18n'

// --- words for numbers ------------------------------------------------------------------

/** A duration as a person says it: "1 ora e 30 minuti", "30 minuti". */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  const hours = h === 1 ? ct('hourOne') : ctf('hoursN', { n: h })
  const mins = m === 1 ? ct('minuteOne') : ctf('minutesN', { n: m })
  if (h && m) return `${hours} ${ct('and')} ${mins}`
  return h ? hours : mins
}

/** The price in plain words: "Gratuito", "€ 5,00", "Prezzo agevolato, fino a € 10,00", … */
export function priceWords(p: { price_model: PriceModel; price_cents: number | null; minutes: number | null }): string {
  switch (p.price_model) {
    case 'fixed':
      return formatPrice(p.price_cents ?? 0)
    case 'sliding':
      return ctf('priceSliding', { price: formatPrice(p.price_cents ?? 0) })
    case 'timebank':
      return ctf('priceTimebank', { d: duration(p.minutes ?? 0) })
    default:
      return ct('priceFree')
  }
}

export function priceModelName(model: string): string {
  return ct(`priceModel_${model}` as CKey) ?? model
}

// --- languages ----------------------------------------------------------------------------

/** The languages most spoken in Milan's public housing, as the filters and the form offer them. */
export const COMMON_LANGUAGES = ['it', 'en', 'ar', 'zh', 'es', 'fr', 'ro', 'uk', 'ru', 'sq', 'bn', 'tl', 'ur', 'pt']

const LANGUAGES: Record<string, { it: string; en: string; own: string }> = {
  it: { it: 'italiano', en: 'Italian', own: 'italiano' },
  en: { it: 'inglese', en: 'English', own: 'English' },
  ar: { it: 'arabo', en: 'Arabic', own: 'العربية' },
  zh: { it: 'cinese', en: 'Chinese', own: '中文' },
  es: { it: 'spagnolo', en: 'Spanish', own: 'español' },
  fr: { it: 'francese', en: 'French', own: 'français' },
  ro: { it: 'rumeno', en: 'Romanian', own: 'română' },
  uk: { it: 'ucraino', en: 'Ukrainian', own: 'українська' },
  ru: { it: 'russo', en: 'Russian', own: 'русский' },
  sq: { it: 'albanese', en: 'Albanian', own: 'shqip' },
  bn: { it: 'bengalese', en: 'Bengali', own: 'বাংলা' },
  tl: { it: 'filippino (tagalog)', en: 'Filipino (Tagalog)', own: 'Tagalog' },
  ur: { it: 'urdu', en: 'Urdu', own: 'اردو' },
  pt: { it: 'portoghese', en: 'Portuguese', own: 'português' },
}

/** A language's name in the app's language ("arabo"); unknown codes by the browser's names. */
export function languageName(code: string): string {
  const known = LANGUAGES[code]
  if (known) return known[lang()]
  try {
    return new Intl.DisplayNames([lang()], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

/** The name in the language itself, when it differs ("العربية"), for people who read only that. */
export function languageOwnName(code: string): string | null {
  const own = LANGUAGES[code]?.own
  return own && own.toLowerCase() !== languageName(code).toLowerCase() ? own : null
}

/** "Si parla italiano, arabo" — the own names marked with their language for screen readers. */
export function languagesLine(codes: string[]): Safe {
  const names = codes.map((c) => languageName(c))
  const list = new Intl.ListFormat(lang(), { type: 'conjunction' }).format(names)
  return html`${codes.length === 1 ? ctf('speaksOne', { name: list }) : ctf('speaks', { names: list })}`
}

/** "Si parla arabo (العربية)": an option of the language filter (options hold text only). */
export function languageChoice(code: string): string {
  const own = languageOwnName(code)
  const name = ctf('speaksOne', { name: languageName(code) })
  return own ? `${name} (${own})` : name
}

// --- hours --------------------------------------------------------------------------------

export function slot(from: string, to: string): string {
  return `${from}–${to}`
}

/** The week as a table: "Lunedì | 09:00–12:30, 15:00–18:00", "Domenica | Chiuso". */
export function hoursTable(hours: OpeningHours, caption: string): Safe {
  const names = weekdayNames()
  return html`<table class="table qc-hours">
    <caption class="visually-hidden">${caption}</caption>
    <thead>
      <tr>
        <th scope="col">${ct('day')}</th>
        <th scope="col">${ct('hours')}</th>
      </tr>
    </thead>
    <tbody>
      ${WEEKDAYS.map((day, i) => {
        const slots = hours[day] ?? []
        return html`<tr data-day="${day}">
          <th scope="row">${names[i]}</th>
          <td>
            ${slots.length
              ? slots.map(([from, to], j) => html`${j ? ', ' : ''}<span class="qc-slot">${slot(from, to)}</span>`)
              : html`<span class="qc-closed">${ct('closedDay')}</span>`}
          </td>
        </tr>`
      })}
    </tbody>
  </table>`
}

/** The open days only, in a short line each: for cards and the organisation page. */
export function hoursSummary(hours: OpeningHours): Safe {
  const names = weekdayNames()
  const days = WEEKDAYS.map((day: Weekday, i) => ({ name: names[i] ?? day, slots: hours[day] ?? [] })).filter(
    (d) => d.slots.length,
  )
  if (!days.length) return html`<span class="qc-closed">${ct('alwaysClosed')}</span>`
  return html`<ul class="qc-hours-summary list-unstyled">
    ${days.map((d) => html`<li><span class="qc-hours-day">${d.name}</span> ${d.slots.map(([a, b]) => slot(a, b)).join(', ')}</li>`)}
  </ul>`
}

/** Closures that have not ended yet. */
export function upcomingClosures(closures: Closure[]): Closure[] {
  const today = romeDay(new Date())
  return closures.filter((c) => c.ends_on >= today)
}

export function closureText(c: Closure): string {
  const when =
    c.starts_on === c.ends_on
      ? ctf('closureDay', { from: formatDate(c.starts_on) })
      : ctf('closureRange', { from: formatDate(c.starts_on), to: formatDate(c.ends_on) })
  return c.reason ? `${when}: ${c.reason}` : when
}

export function openBadge(s: Service): Safe {
  if (s.status === 'paused') return html`<span class="qc-badge qc-badge-closed" data-open="paused">${ct('pausedBadge')}</span>`
  return s.open_now
    ? html`<span class="qc-badge qc-badge-open" data-open="true">${ct('openNow')}</span>`
    : html`<span class="qc-badge qc-badge-closed" data-open="false">${ct('closedNow')}</span>`
}

// --- times in Milan -------------------------------------------------------------------------


/** A moment as it reads on Milan's clocks: "12 mar 2026, 10:30". */
export function formatRome(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(lang() === 'it' ? 'it-IT' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: ROME,
  }).format(date)
}

/**
 * "2026-03-12T10:30" read on Milan's clocks (whatever the phone's time zone) → an ISO
 * timestamp with offset; null when it is not a valid date and time.
 */
export function romeLocalToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number]
  return milanToIso(y, mo, d, h, mi)
}

// --- requests -------------------------------------------------------------------------------

export function statusName(status: RequestStatus | string): string {
  return ct(`status_${status}` as CKey) ?? status
}

export function statusBadge(status: RequestStatus | string): Safe {
  return html`<span class="qc-badge qc-badge-status qc-request-status" data-status="${status}">${statusName(status)}</span>`
}

/** A request in a list: the service's title links to the request's page. */
export function requestCard(r: ServiceRequest, viewpoint: 'mine' | 'incoming', level: 2 | 3 = 2): Safe {
  return html`<li class="qc-request" data-id="${r.id}" data-status="${r.status}">
    <h${level} class="qc-request-title"><a href="/servizi/richieste/${r.id}">${r.service.title}</a></h${level}>
    <p class="qc-badges">${statusBadge(r.status)}</p>
    <p class="qc-request-meta">
      ${viewpoint === 'incoming' ? ctf('requestedBy', { name: r.requester.display_name }) : r.service.organisation.name}
      · ${priceWords(r)}
    </p>
    <p class="qc-request-meta">
      ${r.status === 'accepted' && r.proposed_time
        ? ctf('appointment', { when: formatRome(r.proposed_time) })
        : ctf('askedOn', { date: formatDate(r.created_at) })}
    </p>
  </li>`
}

// --- services -----------------------------------------------------------------------------

/** A service in a list: title (a link), who runs it, price, languages, open now. */
export function serviceCard(
  s: Service,
  o: { level?: 2 | 3; category?: string; space?: string; hours?: boolean } = {},
): Safe {
  const level = o.level ?? 2
  return html`<li class="qc-service" data-id="${s.id}" data-open="${s.open_now ? 'true' : 'false'}">
    <h${level} class="qc-service-title"><a href="/servizi/${s.id}">${s.title}</a></h${level}>
    <p class="qc-badges">${openBadge(s)}${o.category ? html`<span class="qc-badge">${o.category}</span>` : ''}</p>
    <p class="qc-service-org">${ctf('runBy', { name: s.organisation.name })}${o.space ? html` · ${o.space}` : ''}</p>
    <p class="qc-service-price">${priceWords(s)}</p>
    <p class="qc-service-languages">${languagesLine(s.languages)}</p>
    ${o.hours ? html`<div class="qc-service-hours">${hoursSummary(s.availability)}</div>` : ''}
  </li>`
}
