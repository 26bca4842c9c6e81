/**
 * /attivita — what is on this week in the nine spaces (Monday to Sunday, Milan's clock),
 * grouped by day, with the previous and next weeks; filters by space, area, category,
 * audience, free only and words (`?week=<Monday>&space=…`, kept in the address); "show
 * more" follows the API's cursor.
 */

import { type Area, type Me, type Page, type Space } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { romeDay } from '../milan'
import { errorMessage } from '../pages/common'
import { errorView, pageStatus, selectBox } from '../pages/scaffold'
import { hasRole } from '../roles'
import type { PageContext } from '../router'
import { loadSession } from '../session'
import { AUDIENCES, activities, type Category, type Session, type SessionFilters } from './api'
import { addDays, audienceName, capitalise, dayName, isDay, mondayOf, priceText, romeTime, romeToIso, seatsBadge, shortDay } from './common'
import { at, atf } from './i18n'

const FORM = 'agenda-filters'
const PAGE_SIZE = 50

interface Filters {
  week: string
  space: string
  area: string
  category: string
  audience: string
  free: boolean
  q: string
}

function readFilters(search: string): Filters {
  const p = new URLSearchParams(search)
  const week = p.get('week')
  return {
    week: mondayOf(isDay(week) ? week : romeDay(new Date())),
    space: p.get('space') ?? '',
    area: p.get('area') ?? '',
    category: p.get('category') ?? '',
    audience: p.get('audience') ?? '',
    free: p.get('free') === 'true',
    q: p.get('q') ?? '',
  }
}

function toQuery(f: Filters, week = f.week): string {
  const p = new URLSearchParams()
  if (week !== mondayOf(romeDay(new Date()))) p.set('week', week)
  for (const k of ['space', 'area', 'category', 'audience', 'q'] as const) if (f[k]) p.set(k, f[k])
  if (f.free) p.set('free', 'true')
  const s = p.toString()
  return s ? `?${s}` : ''
}

function apiFilters(f: Filters, cursor: string | null = null): SessionFilters {
  return {
    from: romeToIso(f.week),
    to: romeToIso(addDays(f.week, 7)),
    space: f.space,
    area: f.area,
    category: f.category,
    audience: f.audience,
    free: f.free,
    q: f.q,
    limit: PAGE_SIZE,
    cursor,
  }
}

/** A session in the agenda: time, title (a link to the activity), where, for whom, seats. */
export function sessionCard(s: Session, category: string | undefined): Safe {
  const a = s.activity
  return html`<li class="qc-session" data-id="${s.id}" data-activity="${a.id}" data-status="${s.status}">
    <p class="qc-session-time">${romeTime(s.starts_at)}–${romeTime(s.ends_at)}</p>
    <div class="qc-session-body">
      <h3 class="qc-session-title"><a href="/attivita/${a.id}">${a.title}</a></h3>
      <p class="qc-session-where">${a.space.name}</p>
      <p class="qc-badges">
        ${category ? html`<span class="qc-badge">${category}</span>` : ''}
        <span class="qc-badge">${audienceName(a.audience)}</span>
        <span class="qc-badge">${priceText(a)}</span>
        ${seatsBadge(s)}
      </p>
    </div>
  </li>`
}

function daysView(items: Session[], names: Map<string, string>): Safe {
  const days = new Map<string, Session[]>()
  for (const s of items) {
    const day = romeDay(s.starts_at)
    days.set(day, [...(days.get(day) ?? []), s])
  }
  return html`${[...days.entries()].map(
    ([day, sessions]) => html`<section class="qc-agenda-day" data-day="${day}" aria-labelledby="day-${day}">
      <h2 class="h5" id="day-${day}">${capitalise(dayName(day))}</h2>
      <ul class="qc-sessions list-unstyled">${sessions.map((s) => sessionCard(s, names.get(s.activity.category)))}</ul>
    </section>`,
  )}`
}

function filtersView(f: Filters, spaces: Space[], areas: Area[], categories: Category[]): Safe {
  const searchId = `${FORM}-q`
  return html`<form id="${FORM}" class="qc-filters qc-agenda-filters" role="search" aria-label="${at('filtersLabel')}">
    <div class="form-group qc-agenda-search">
      <label for="${searchId}" class="active">${at('searchLabel')}</label>
      <div class="qc-search-row">
        <input type="search" class="form-control" id="${searchId}" name="q" value="${f.q}" maxlength="100" aria-describedby="${searchId}-help" />
        <button type="submit" class="btn btn-primary">${at('searchSubmit')}</button>
      </div>
      <small class="form-text" id="${searchId}-help">${at('searchHelp')}</small>
    </div>
    <div class="qc-filter-grid">
      ${selectBox(FORM, 'space', at('spaceLabel'), [{ value: '', label: at('anySpace') }, ...spaces.map((s) => ({ value: s.slug, label: s.name }))], f.space)}
      ${selectBox(FORM, 'area', at('areaLabel'), [{ value: '', label: at('anyArea') }, ...areas.map((a) => ({ value: a.code, label: a.name }))], f.area)}
      ${selectBox(FORM, 'category', at('categoryLabel'), [{ value: '', label: at('anyCategory') }, ...categories.map((c) => ({ value: c.code, label: c.name }))], f.category)}
      ${selectBox(FORM, 'audience', at('audienceLabel'), [{ value: '', label: at('anyAudience') }, ...AUDIENCES.map((a) => ({ value: a, label: audienceName(a) }))], f.audience)}
    </div>
    <div class="form-check qc-choice">
      <input type="checkbox" id="${FORM}-free" name="free" value="true" ${f.free ? 'checked' : ''} />
      <label for="${FORM}-free">${at('freeOnly')}</label>
    </div>
    <button type="button" class="btn btn-link qc-clear-filters">${at('clearFilters')}</button>
  </form>`
}

function weekNav(f: Filters): Safe {
  const last = addDays(f.week, 6)
  return html`<nav class="qc-week-nav" aria-label="${at('weekNav')}">
    <a class="btn btn-outline-primary" href="/attivita${toQuery(f, addDays(f.week, -7))}" rel="prev">${at('prevWeek')}</a>
    <p class="qc-week-range" id="week-range">${atf('weekRange', { from: shortDay(f.week), to: shortDay(last) })}</p>
    <a class="btn btn-outline-primary" href="/attivita${toQuery(f, addDays(f.week, 7))}" rel="next">${at('nextWeek')}</a>
  </nav>`
}

function pageView(me: Me | null, f: Filters, spaces: Space[], areas: Area[], categories: Category[]): Safe {
  const thisWeek = f.week === mondayOf(romeDay(new Date()))
  return html`<div class="container py-4 qc-agenda">
    <h1>${thisWeek ? at('agendaTitle') : atf('agendaWeekTitle', { day: shortDay(f.week) })}</h1>
    <p class="qc-lead">${at('agendaIntro')}</p>
    ${me
      ? html`<div class="qc-actions">
          <a class="btn btn-outline-primary" href="/attivita/mie">${at('myBookingsLink')}</a>
          ${hasRole(me, 'operator') ? html`<a class="btn btn-outline-primary" href="/gestione/attivita">${at('consoleLink')}</a>` : ''}
        </div>`
      : ''}
    ${weekNav(f)}
    ${filtersView(f, spaces, areas, categories)}
    ${pageStatus('agenda-status')}
    <p class="qc-count" id="agenda-count" aria-live="polite" aria-atomic="true"></p>
    <div class="qc-agenda-days"></div>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${at('loadMore')}</button>
    <p class="qc-calendar-links">
      <a href="/api/v1/activities/calendar.ics">${at('allCalendar')}</a>
    </p>
  </div>`
}

function filtered(f: Filters): boolean {
  return !!(f.q || f.space || f.area || f.category || f.audience || f.free)
}

function countText(n: number, more: boolean, f: Filters): string {
  if (more) return atf('resultsMore', { n })
  if (n === 0) return filtered(f) ? at('resultsNone') : at('resultsNoneWeek')
  return n === 1 ? at('resultsOne') : atf('resultsMany', { n })
}

export async function agendaPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(at('agendaTitle'))
  setHtml(main, loadingView())
  let filters = readFilters(location.search)
  let me: Me | null
  let spaces: Space[]
  let areas: Area[]
  let categories: Category[]
  let first: Page<Session>
  try {
    ;[me, spaces, areas, categories, first] = await Promise.all([
      loadSession().catch(() => null),
      activities.spaces(signal),
      activities.areas(signal),
      activities.categories(signal),
      activities.sessions(apiFilters(filters), signal),
    ])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(at('agendaTitle'), err))
    return
  }
  if (signal.aborted) return
  const names = new Map(categories.map((c) => [c.code, c.name]))
  spaces.sort((a, b) => a.name.localeCompare(b.name))
  areas.sort((a, b) => a.number - b.number)
  setHtml(main, pageView(me, filters, spaces, areas, categories))

  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement
  const days = main.querySelector<HTMLElement>('.qc-agenda-days') as HTMLElement
  const count = main.querySelector<HTMLElement>('#agenda-count') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#agenda-status') as HTMLElement
  let items = first.items
  let cursor = first.next_cursor
  let search: AbortController | null = null

  const show = (): void => {
    setHtml(days, daysView(items, names))
    more.hidden = cursor === null
    count.textContent = countText(items.length, cursor !== null, filters)
  }
  show()

  const read = (): Filters => {
    const data = new FormData(form)
    const value = (k: string): string => (typeof data.get(k) === 'string' ? (data.get(k) as string) : '')
    return {
      week: filters.week,
      q: value('q'),
      space: value('space'),
      area: value('area'),
      category: value('category'),
      audience: value('audience'),
      free: data.get('free') === 'true',
    }
  }

  const apply = (): void => {
    filters = read()
    // the filters go in the address (no new history entry); the week links keep them
    history.replaceState(null, '', location.pathname + toQuery(filters))
    const nav = main.querySelector<HTMLElement>('.qc-week-nav')
    if (nav) nav.outerHTML = weekNav(filters).value
    search?.abort()
    const controller = new AbortController()
    search = controller
    days.setAttribute('aria-busy', 'true')
    status.textContent = ''
    activities
      .sessions(apiFilters(filters), controller.signal)
      .then((page) => {
        if (controller.signal.aborted || signal.aborted) return
        items = page.items
        cursor = page.next_cursor
        show()
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted || signal.aborted) return
        setHtml(status, alertBox('danger', errorMessage(err)))
      })
      .finally(() => {
        if (search === controller) days.removeAttribute('aria-busy')
      })
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    apply()
  })
  form.addEventListener('change', (event) => {
    if ((event.target as Element | null)?.matches('select, input[type="checkbox"]')) apply()
  })
  form.querySelector('.qc-clear-filters')?.addEventListener('click', () => {
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[name="q"], select')) el.value = ''
    const free = form.querySelector<HTMLInputElement>('input[name="free"]')
    if (free) free.checked = false
    apply()
    form.querySelector<HTMLInputElement>('input[name="q"]')?.focus()
  })

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    activities
      .sessions(apiFilters(filters, cursor), signal)
      .then((page) => {
        if (signal.aborted) return
        const known = new Set(items.map((s) => s.id))
        const fresh = page.items.filter((s) => !known.has(s.id))
        items = [...items, ...fresh]
        cursor = page.next_cursor
        show()
        const firstNew = fresh[0]
        if (firstNew) days.querySelector<HTMLElement>(`li[data-id="${firstNew.id}"] a`)?.focus()
      })
      .catch((err: unknown) => {
        if (!signal.aborted) setHtml(status, alertBox('danger', errorMessage(err)))
      })
      .finally(() => {
        more.disabled = false
      })
  })
  signal.addEventListener('abort', () => search?.abort())
}
