/**
 * /scambi — neighbours' offers and requests of help: search by words (accents do not
 * matter), by kind and by category; cards with title, category, time and first name.
 * The search is kept in the address (?q=&tipo=&categoria=) so that "back" finds it again.
 */

import type { Page } from '../api'
import { formValues, inputField } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { errorView, pageStatus, requireUser, selectBox } from '../pages/scaffold'
import type { PageContext } from '../router'
import { market, type Category, type Listing, type ListingFilters } from './api'
import { listingCard } from './common'
import { mt, mtf } from './i18n'

const FORM = 'search'
const PAGE_SIZE = 20

interface Search {
  q: string
  kind: string
  category: string
}

function fromAddress(): Search {
  const p = new URLSearchParams(location.search)
  const kind = p.get('tipo') ?? ''
  return {
    q: (p.get('q') ?? '').slice(0, 100),
    kind: kind === 'offer' || kind === 'request' ? kind : '',
    category: p.get('categoria') ?? '',
  }
}

function toAddress(s: Search): string {
  const p = new URLSearchParams()
  if (s.q) p.set('q', s.q)
  if (s.kind) p.set('tipo', s.kind)
  if (s.category) p.set('categoria', s.category)
  const qs = p.toString()
  return `/scambi${qs ? `?${qs}` : ''}`
}

function filters(s: Search): ListingFilters {
  return { q: s.q || undefined, kind: s.kind || undefined, category: s.category || undefined, limit: PAGE_SIZE }
}

function pageView(s: Search, categories: Category[]): Safe {
  return html`<div class="container py-4 qc-narrow">
    <h1>${mt('marketTitle')}</h1>
    <p class="qc-lead">${mt('marketIntro')}</p>
    <div class="qc-actions">
      <a class="btn btn-primary" href="/scambi/annunci/nuovo">${mt('newListingButton')}</a>
      <a class="btn btn-outline-primary" href="/scambi/miei">${mt('myExchangesTitle')}</a>
      <a class="btn btn-outline-primary" href="/banca-del-tempo">${mt('timebankTitle')}</a>
    </div>
    <form id="${FORM}" class="qc-form qc-form-compact qc-search" role="search" aria-label="${mt('searchLabel')}" novalidate>
      ${inputField(FORM, { name: 'q', label: mt('searchWords'), help: mt('searchWordsHelp'), maxlength: 100, value: s.q })}
      ${selectBox(
        FORM,
        'kind',
        mt('searchKind'),
        [
          { value: '', label: mt('kindAll') },
          { value: 'offer', label: mt('kindOffers') },
          { value: 'request', label: mt('kindRequests') },
        ],
        s.kind,
      )}
      ${selectBox(
        FORM,
        'category',
        mt('searchCategory'),
        [{ value: '', label: mt('categoryAll') }, ...categories.map((c) => ({ value: c.code, label: c.name }))],
        s.category,
      )}
      <button type="submit" class="btn btn-primary">${mt('searchSubmit')}</button>
    </form>
    ${pageStatus('search-status')}
    <ul class="qc-listings list-unstyled" aria-label="${mt('resultsLabel')}"></ul>
    <p class="qc-empty" hidden>${mt('noListings')}</p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${mt('loadMoreListings')}</button>
  </div>`
}

export async function browsePage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(mt('marketTitle'))
  setHtml(main, loadingView())
  let search = fromAddress()
  let categories: Category[]
  let first: Page<Listing>
  try {
    const me = await requireUser(ctx)
    if (!me) return
    ;[categories, first] = await Promise.all([market.categories(), market.listings(filters(search), signal)])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(mt('marketTitle'), err))
    return
  }
  if (signal.aborted) return
  const byCode = new Map(categories.map((c) => [c.code, c]))

  setHtml(main, pageView(search, categories))
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement
  const list = main.querySelector<HTMLElement>('.qc-listings') as HTMLElement
  const empty = main.querySelector<HTMLElement>('.qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#search-status') as HTMLElement
  let cursor = first.next_cursor

  const show = (items: Listing[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items.map((l) => listingCard(l, byCode).value).join('')
    if (replace) list.innerHTML = markup
    else list.insertAdjacentHTML('beforeend', markup)
    empty.hidden = list.children.length > 0
    more.hidden = cursor === null
    return (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null
  }
  show(first.items, true)

  let asked = 0
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const v = formValues(form)
    search = { q: (v.q ?? '').trim(), kind: v.kind ?? '', category: v.category ?? '' }
    history.replaceState(null, '', toAddress(search))
    const mine = ++asked
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')
    if (button) button.disabled = true
    market
      .listings(filters(search))
      .then((page) => {
        if (signal.aborted || mine !== asked) return
        cursor = page.next_cursor
        show(page.items, true)
        const n = page.items.length
        const text =
          n === 0 ? mt('foundNone') : n === 1 ? mt('foundOne') : mtf(cursor ? 'foundMoreThan' : 'foundMany', { n })
        setHtml(status, html`<p class="qc-found">${text}</p>`)
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        if (button) button.disabled = false
      })
  })

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    market
      .listings({ ...filters(search), cursor })
      .then((page) => {
        if (signal.aborted) return
        const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
        cursor = page.next_cursor
        const firstNew = show(page.items.filter((l) => !known.has(String(l.id))), false)
        firstNew?.querySelector<HTMLElement>('a')?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })
}
