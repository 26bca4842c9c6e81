/** /servizi/richieste — the services I asked for, newest first, each with where it has got to. */

import type { Me, Page } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification } from '../notifications'
import { errorMessage } from '../pages/common'
import { breadcrumb, errorView, pageStatus, requireUser } from '../pages/scaffold'
import { hasRole } from '../roles'
import type { PageContext } from '../router'
import { catalogue, type ServiceRequest } from './api'
import { requestCard } from './common'
import { ct } from './i18n'

const PAGE_SIZE = 20

function pageView(me: Me): Safe {
  return html`<div class="container py-4 qc-narrow">
    ${breadcrumb([{ href: '/servizi', label: ct('browseTitle') }, { label: ct('requestsTitle') }])}
    <h1>${ct('requestsTitle')}</h1>
    <p>${ct('requestsIntro')}</p>
    <div class="qc-actions">
      <a class="btn btn-primary" href="/servizi">${ct('findServices')}</a>
      ${hasRole(me, 'operator') ? html`<a class="btn btn-outline-primary" href="/gestione/servizi">${ct('consoleLink')}</a>` : ''}
    </div>
    ${pageStatus('requests-status')}
    <ul class="qc-requests list-unstyled"></ul>
    <p class="qc-empty" hidden>${ct('noRequests')}</p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${ct('loadMoreRequests')}</button>
  </div>`
}

export async function myRequestsPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ct('requestsTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let first: Page<ServiceRequest>
  try {
    me = await requireUser(ctx)
    if (!me) return
    first = await catalogue.requests({ limit: PAGE_SIZE }, signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ct('requestsTitle'), err))
    return
  }
  if (signal.aborted) return

  setHtml(main, pageView(me))
  const list = main.querySelector<HTMLUListElement>('.qc-requests') as HTMLUListElement
  const empty = main.querySelector<HTMLElement>('.qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#requests-status') as HTMLElement
  if (ctx.flash) setHtml(status, alertBox('success', ctx.flash))
  let cursor = first.next_cursor

  const show = (items: ServiceRequest[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items.map((r) => requestCard(r, 'mine').value).join('')
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
    catalogue
      .requests({ limit: PAGE_SIZE, cursor })
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

  // one of my requests moved on: the first page again, in place
  const stop = onLiveNotification((note) => {
    if (note.kind !== 'catalogue.request') return
    const shown = Math.min(100, Math.max(PAGE_SIZE, list.children.length))
    catalogue
      .requests({ limit: shown })
      .then((page) => {
        if (signal.aborted) return
        cursor = page.next_cursor
        const active = document.activeElement?.getAttribute('href')
        show(page.items, true)
        if (active) list.querySelector<HTMLElement>(`a[href="${CSS.escape(active)}"]`)?.focus()
      })
      .catch(() => undefined)
  })
  signal.addEventListener('abort', stop)
}
