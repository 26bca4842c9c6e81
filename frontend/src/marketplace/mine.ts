/**
 * /scambi/miei — my exchanges (help I give or receive), newest first, and my listings
 * (open and closed). A step in one of my exchanges (live notification) refreshes the list.
 */

import type { Page } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification } from '../notifications'
import { errorMessage } from '../pages/common'
import { errorView, pageStatus, requireUser } from '../pages/scaffold'
import type { PageContext } from '../router'
import { market, type Category, type Exchange, type Listing } from './api'
import { exchangeCard, listingCard } from './common'
import { mt } from './i18n'

const PAGE_SIZE = 20

function pageView(): Safe {
  return html`<div class="container py-4 qc-narrow">
    <h1>${mt('myExchangesTitle')}</h1>
    ${pageStatus('mine-status')}
    <div class="qc-actions">
      <a class="btn btn-primary" href="/scambi">${mt('browseButton')}</a>
      <a class="btn btn-outline-primary" href="/scambi/annunci/nuovo">${mt('newListingButton')}</a>
    </div>
    <section class="qc-section" aria-labelledby="exchanges-heading">
      <h2 class="h3" id="exchanges-heading">${mt('exchangesHeading')}</h2>
      <ul class="qc-exchanges list-unstyled"></ul>
      <p class="qc-empty qc-exchanges-empty" hidden>${mt('noExchanges')}</p>
      <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${mt('loadMore')}</button>
    </section>
    <section class="qc-section" aria-labelledby="listings-heading">
      <h2 class="h3" id="listings-heading">${mt('myListingsHeading')}</h2>
      <ul class="qc-listings qc-my-listings list-unstyled"></ul>
      <p class="qc-empty qc-listings-empty" hidden>${mt('noMyListings')}</p>
    </section>
  </div>`
}

export async function myExchangesPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(mt('myExchangesTitle'))
  setHtml(main, loadingView())
  let exchanges: Page<Exchange>
  let open: Page<Listing>
  let closed: Page<Listing>
  let categories: Category[]
  try {
    const me = await requireUser(ctx)
    if (!me) return
    ;[exchanges, open, closed, categories] = await Promise.all([
      market.exchanges({ limit: PAGE_SIZE }, signal),
      market.listings({ mine: true, limit: 100 }, signal),
      market.listings({ mine: true, status: 'closed', limit: 100 }, signal),
      market.categories(),
    ])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(mt('myExchangesTitle'), err))
    return
  }
  if (signal.aborted) return
  const byCode = new Map(categories.map((c) => [c.code, c]))

  setHtml(main, pageView())
  const status = main.querySelector<HTMLElement>('#mine-status') as HTMLElement
  if (ctx.flash) setHtml(status, alertBox('success', ctx.flash))
  const list = main.querySelector<HTMLElement>('.qc-exchanges') as HTMLElement
  const empty = main.querySelector<HTMLElement>('.qc-exchanges-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const listings = main.querySelector<HTMLElement>('.qc-my-listings') as HTMLElement
  const listingsEmpty = main.querySelector<HTMLElement>('.qc-listings-empty') as HTMLElement
  let cursor = exchanges.next_cursor

  const show = (items: Exchange[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items.map((x) => exchangeCard(x).value).join('')
    if (replace) list.innerHTML = markup
    else list.insertAdjacentHTML('beforeend', markup)
    empty.hidden = list.children.length > 0
    more.hidden = cursor === null
    return (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null
  }
  show(exchanges.items, true)
  const mineListings = [...open.items, ...closed.items]
  listings.innerHTML = mineListings.map((l) => listingCard(l, byCode, 3).value).join('')
  listingsEmpty.hidden = mineListings.length > 0

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    market
      .exchanges({ limit: PAGE_SIZE, cursor })
      .then((page) => {
        if (signal.aborted) return
        const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
        cursor = page.next_cursor
        const firstNew = show(page.items.filter((x) => !known.has(String(x.id))), false)
        firstNew?.querySelector<HTMLElement>('a')?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })

  // a proposal arrived or an exchange moved on: the first page again, in place
  const stop = onLiveNotification((note) => {
    if (!note.kind.startsWith('marketplace.')) return
    const shown = Math.min(100, Math.max(PAGE_SIZE, list.children.length))
    market
      .exchanges({ limit: shown })
      .then((page) => {
        if (signal.aborted) return
        cursor = page.next_cursor
        const active = document.activeElement as HTMLElement | null
        const href = active && list.contains(active) ? active.getAttribute('href') : null
        show(page.items, true)
        if (href) list.querySelector<HTMLElement>(`a[href="${CSS.escape(href)}"]`)?.focus()
      })
      .catch(() => undefined)
  })
  signal.addEventListener('abort', stop)
}
