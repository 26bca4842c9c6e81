/**
 * /casella — the open reports routed to me (custodians, committee members, staff), the one
 * due first on top, with filters kept in the address (?status=&category=&complex_id=&overdue=).
 * A live notification about a report brings the list up to date without a reload, and the
 * reports that were not there before are marked "new".
 */

import { ApiError, type Me, type Page } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification } from '../notifications'
import { errorMessage } from '../pages/common'
import { pageStatus, requireUser, selectBox } from '../pages/scaffold'
import { isStaff } from '../roles'
import type { PageContext } from '../router'
import { feedback, OPEN_STATUSES, type Category, type Complex, type Report, type ReportFilters } from './api'
import { errorView, keepFocus, messageView, names, reportCard, statusName, type Names } from './common'
import { ft, ftf } from './i18n'

const PAGE_SIZE = 20
const FORM = 'inbox-filters'
const FILTERS = ['status', 'category', 'complex_id', 'overdue'] as const

function filtersFromAddress(): ReportFilters {
  const q = new URLSearchParams(location.search)
  const out: ReportFilters = {}
  for (const key of FILTERS) {
    const v = q.get(key)
    if (v) out[key] = v
  }
  return out
}

function filtersForm(f: ReportFilters, categories: Category[], complexes: Complex[]): Safe {
  return html`<form id="${FORM}" class="qc-filters" novalidate>
    <fieldset>
      <legend>${ft('filtersLegend')}</legend>
      <div class="qc-filter-grid">
        ${selectBox(
          FORM,
          'status',
          ft('filterStatus'),
          [{ value: '', label: ft('allOpenStatuses') }, ...OPEN_STATUSES.map((s) => ({ value: s, label: statusName(s) }))],
          f.status ?? '',
        )}
        ${selectBox(
          FORM,
          'category',
          ft('filterCategory'),
          [{ value: '', label: ft('allCategories') }, ...categories.map((c) => ({ value: c.code, label: c.name }))],
          f.category ?? '',
        )}
        ${selectBox(
          FORM,
          'complex_id',
          ft('filterComplex'),
          [{ value: '', label: ft('allComplexes') }, ...complexes.map((c) => ({ value: String(c.id), label: c.name }))],
          f.complex_id ?? '',
        )}
        ${selectBox(
          FORM,
          'overdue',
          ft('filterOverdue'),
          [
            { value: '', label: ft('overdueAll') },
            { value: 'true', label: ft('overdueOnly') },
            { value: 'false', label: ft('overdueNot') },
          ],
          f.overdue ?? '',
        )}
      </div>
      <button type="submit" class="btn btn-primary">${ft('applyFilters')}</button>
    </fieldset>
  </form>`
}

function pageView(me: Me, f: ReportFilters, categories: Category[], complexes: Complex[]): Safe {
  return html`<div class="container py-4 qc-inbox">
    <h1>${ft('inboxTitle')}</h1>
    <p>${ft('inboxIntro')}</p>
    ${isStaff(me)
      ? html`<nav class="qc-manage-links" aria-label="${ft('manageHeading')}">
          <a href="/gestione/instradamento">${ft('rulesLink')}</a>
          <a href="/gestione/comitati">${ft('committeesLink')}</a>
        </nav>`
      : ''}
    ${filtersForm(f, categories, complexes)}
    ${pageStatus('inbox-status')}
    <p class="qc-count" id="inbox-count"></p>
    <ul class="qc-reports list-unstyled"></ul>
    <p class="qc-empty" hidden>${ft('inboxEmpty')}</p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${ft('loadMoreReports')}</button>
  </div>`
}

export async function inboxPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ft('inboxTitle'))
  setHtml(main, loadingView())
  let filters = filtersFromAddress()
  let me: Me | null
  let first: Page<Report>
  let categories: Category[]
  let complexes: Complex[]
  try {
    me = await requireUser(ctx)
    if (!me) return
    ;[first, categories, complexes] = await Promise.all([
      feedback.inbox({ ...filters, limit: PAGE_SIZE }, signal),
      feedback.categories(),
      feedback.complexes(),
    ])
  } catch (err) {
    if (signal.aborted) throw err
    if (err instanceof ApiError && err.status === 403) setHtml(main, messageView(ft('inboxTitle'), ft('inboxForbidden')))
    else if (err instanceof ApiError && err.status === 422) {
      // a hand-edited address with a filter the server refuses: start again without filters
      history.replaceState(null, '', location.pathname)
      setHtml(main, errorView(ft('inboxTitle'), err))
    } else setHtml(main, errorView(ft('inboxTitle'), err))
    return
  }
  if (signal.aborted) return
  const user = me
  const n: Names = names(categories, complexes)

  setHtml(main, pageView(user, filters, categories, complexes))
  const $ = <T extends Element>(selector: string): T => main.querySelector<T>(selector) as T
  const list = $<HTMLUListElement>('.qc-reports')
  const empty = $<HTMLElement>('.qc-empty')
  const more = $<HTMLButtonElement>('.qc-load-more')
  const count = $<HTMLElement>('#inbox-count')
  const status = $<HTMLElement>('#inbox-status')
  const form = $<HTMLFormElement>(`#${FORM}`)
  let cursor = first.next_cursor
  /** Ids shown so far: what a refresh brings beyond them is "new". */
  const seen = new Set<number>()
  const fresh = new Set<number>()

  const show = (items: Report[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items
      .map((r) => reportCard(r, { me: user, names: n, due: true, isNew: fresh.has(r.id) }).value)
      .join('')
    if (replace) list.innerHTML = markup
    else list.insertAdjacentHTML('beforeend', markup)
    for (const r of items) seen.add(r.id)
    const total = list.children.length
    count.textContent =
      total === 0 ? ft('countNone') : total === 1 ? ft('countOne') : ftf('countMany', { n: total })
    empty.hidden = total > 0
    count.hidden = total === 0
    more.hidden = cursor === null
    return (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null
  }
  show(first.items, true)

  /** The list again, as far as it was shown, with the current filters. */
  const reload = async (): Promise<Report[]> => {
    const shown = Math.min(100, Math.max(PAGE_SIZE, list.children.length))
    const page = await feedback.inbox({ ...filters, limit: shown })
    if (signal.aborted) return []
    cursor = page.next_cursor
    const arrived = page.items.filter((r) => !seen.has(r.id))
    for (const r of arrived) fresh.add(r.id)
    keepFocus(list, () => show(page.items, true))
    return arrived
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(form)
    const next: ReportFilters = {}
    const q = new URLSearchParams()
    for (const key of FILTERS) {
      const v = data.get(key)
      if (typeof v === 'string' && v) {
        next[key] = v
        q.set(key, v)
      }
    }
    filters = next
    const qs = q.toString()
    history.replaceState(null, '', location.pathname + (qs ? `?${qs}` : ''))
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')
    if (button) button.disabled = true
    list.setAttribute('aria-busy', 'true')
    fresh.clear()
    seen.clear()
    list.innerHTML = ''
    reload()
      .then(() => setHtml(status, html`<p class="mb-0">${count.hidden ? ft('countNone') : count.textContent}</p>`))
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        if (button) button.disabled = false
        list.removeAttribute('aria-busy')
      })
  })

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    feedback
      .inbox({ ...filters, limit: PAGE_SIZE, cursor })
      .then((page) => {
        if (signal.aborted) return
        cursor = page.next_cursor
        const firstNew = show(page.items.filter((r) => !seen.has(r.id)), false)
        firstNew?.querySelector<HTMLElement>('a')?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })

  // live: a report routed to me, escalated, or updated
  const stop = onLiveNotification((note) => {
    if (!note.kind.startsWith('feedback.')) return
    reload()
      .then((arrived) => {
        const newest = arrived[arrived.length - 1]
        if (newest) setHtml(status, html`<p class="mb-0">${ftf('newArrived', { title: newest.title })}</p>`)
      })
      .catch(() => undefined)
  })
  signal.addEventListener('abort', stop)
}
