/** /segnalazioni — the reports I may see (mine first of all), each with where it has got to. */

import type { Me, Page } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification } from '../notifications'
import { errorMessage } from '../pages/common'
import { pageStatus, requireUser } from '../pages/scaffold'
import { canReport, hasInbox, hasRole, isStaff } from '../roles'
import type { PageContext } from '../router'
import { feedback, type Report } from './api'
import { errorView, keepFocus, names, reportCard, type Names } from './common'
import { ft } from './i18n'

const PAGE_SIZE = 20

function intro(me: Me): string {
  if (isStaff(me)) return ft('reportsIntroStaff')
  if (hasInbox(me)) return ft('reportsIntroHandler')
  if (hasRole(me, 'tenant')) return ft('reportsIntroTenant')
  return ft('reportsIntro')
}

function pageView(me: Me): Safe {
  return html`<div class="container py-4 qc-narrow">
    <h1>${ft('reportsTitle')}</h1>
    <p>${intro(me)}</p>
    ${canReport(me) || hasInbox(me)
      ? ''
      : html`<p class="qc-not-tenant">${ft('notTenantYet')} <a href="/profilo/inquilino">${ft('askTenancy')}</a></p>`}
    <div class="qc-actions">
      ${canReport(me) ? html`<a class="btn btn-primary" href="/segnalazioni/nuova">${ft('newReportButton')}</a>` : ''}
      ${hasInbox(me) ? html`<a class="btn btn-outline-primary" href="/casella">${ft('inboxButton')}</a>` : ''}
    </div>
    ${pageStatus('reports-status')}
    <ul class="qc-reports list-unstyled"></ul>
    <p class="qc-empty" hidden>${ft('noReports')}</p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${ft('loadMoreReports')}</button>
  </div>`
}

export async function myReportsPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ft('reportsTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let first: Page<Report>
  let n: Names
  try {
    me = await requireUser(ctx)
    if (!me) return
    const [page, categories, complexes] = await Promise.all([
      feedback.reports({ mine: true, limit: PAGE_SIZE }, signal),
      feedback.categories(),
      feedback.complexes(),
    ])
    first = page
    n = names(categories, complexes)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ft('reportsTitle'), err))
    return
  }
  if (signal.aborted) return
  const user = me

  setHtml(main, pageView(user))
  const list = main.querySelector<HTMLUListElement>('.qc-reports') as HTMLUListElement
  const empty = main.querySelector<HTMLElement>('.qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#reports-status') as HTMLElement
  let cursor = first.next_cursor

  const show = (items: Report[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items.map((r) => reportCard(r, { me: user, names: n }).value).join('')
    if (replace) list.innerHTML = markup
    else list.insertAdjacentHTML('beforeend', markup)
    empty.hidden = list.children.length > 0
    more.hidden = cursor === null
    return (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null
  }
  show(first.items, true)

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    feedback
      .reports({ mine: true, limit: PAGE_SIZE, cursor })
      .then((page) => {
        if (signal.aborted) return
        const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
        cursor = page.next_cursor
        const firstNew = show(page.items.filter((r) => !known.has(String(r.id))), false)
        firstNew?.querySelector<HTMLElement>('a')?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })

  // a report of mine moved on (or a new one reached me): the first page again, in place
  const stop = onLiveNotification((note) => {
    if (!note.kind.startsWith('feedback.')) return
    const shown = Math.min(100, Math.max(PAGE_SIZE, list.children.length))
    feedback
      .reports({ mine: true, limit: shown })
      .then((page) => {
        if (signal.aborted) return
        cursor = page.next_cursor
        keepFocus(list, () => show(page.items, true))
      })
      .catch(() => undefined)
  })
  signal.addEventListener('abort', stop)
}
