/**
 * /servizi — the catalogue: a search box (accents do not matter), filters by category,
 * price, language spoken and "open now", the services as cards (title, who runs it, price
 * in words, languages, open now), "show more" with the next cursor. The filters live in
 * the address (?q=…&category=…), so the back button and a shared link keep them.
 */

import type { Me, Page } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { errorView, fieldId, pageStatus, selectBox } from '../pages/scaffold'
import { hasRole } from '../roles'
import type { PageContext } from '../router'
import { loadSession } from '../session'
import { PRICE_MODELS, catalogue, type Category, type Service, type ServiceFilters } from './api'
import { COMMON_LANGUAGES, languageChoice, priceModelName, serviceCard } from './common'
import { ct, ctf } from './i18n'

const FORM = 'filters'
const PAGE_SIZE = 20

interface Filters {
  q: string
  category: string
  price_model: string
  language: string
  open_now: boolean
}

function readFilters(search: string): Filters {
  const p = new URLSearchParams(search)
  const price = p.get('price_model') ?? ''
  const language = p.get('language') ?? ''
  return {
    q: (p.get('q') ?? '').slice(0, 100),
    category: p.get('category') ?? '',
    price_model: (PRICE_MODELS as string[]).includes(price) ? price : '',
    language: /^[a-z]{2}$/.test(language) ? language : '',
    open_now: p.get('open_now') === 'true',
  }
}

function toQuery(f: Filters): string {
  const p = new URLSearchParams()
  if (f.q.trim()) p.set('q', f.q.trim())
  if (f.category) p.set('category', f.category)
  if (f.price_model) p.set('price_model', f.price_model)
  if (f.language) p.set('language', f.language)
  if (f.open_now) p.set('open_now', 'true')
  const s = p.toString()
  return s ? `?${s}` : ''
}

function filtersView(f: Filters, categories: Category[]): Safe {
  const searchId = fieldId(FORM, 'q')
  const openId = fieldId(FORM, 'open_now')
  const languages = COMMON_LANGUAGES.includes(f.language) || !f.language ? COMMON_LANGUAGES : [...COMMON_LANGUAGES, f.language]
  return html`<form id="${FORM}" class="qc-form qc-filters" role="search" aria-label="${ct('filtersLabel')}" novalidate>
    <div class="form-group qc-field qc-catalogue-search" data-field="q">
      <label for="${searchId}" class="active">${ct('searchLabel')}</label>
      <div class="qc-search-row">
        <input
          type="search"
          class="form-control"
          id="${searchId}"
          name="q"
          value="${f.q}"
          maxlength="100"
          autocomplete="off"
          enterkeyhint="search"
          aria-describedby="${searchId}-help"
        />
        <button type="submit" class="btn btn-primary">${ct('searchSubmit')}</button>
      </div>
      <small class="form-text" id="${searchId}-help">${ct('searchHelp')}</small>
    </div>
    <div class="qc-filter-grid">
      ${selectBox(
        FORM,
        'category',
        ct('categoryLabel'),
        [{ value: '', label: ct('anyCategory') }, ...categories.map((c) => ({ value: c.code, label: c.name }))],
        f.category,
      )}
      ${selectBox(
        FORM,
        'price_model',
        ct('priceLabel'),
        [{ value: '', label: ct('anyPrice') }, ...PRICE_MODELS.map((m) => ({ value: m, label: priceModelName(m) }))],
        f.price_model,
      )}
      ${selectBox(
        FORM,
        'language',
        ct('languageLabel'),
        [{ value: '', label: ct('anyLanguage') }, ...languages.map((code) => ({ value: code, label: languageChoice(code) }))],
        f.language,
      )}
    </div>
    <div class="form-check qc-switch qc-open-switch">
      <div class="toggles">
        <label for="${openId}">
          <span class="qc-switch-name">${ct('openNow')}</span>
          <input
            type="checkbox"
            role="switch"
            id="${openId}"
            name="open_now"
            value="true"
            aria-describedby="${openId}-help"
            ${f.open_now ? 'checked' : ''}
          />
          <span class="lever" aria-hidden="true"></span>
        </label>
      </div>
      <small class="form-text qc-switch-help" id="${openId}-help">${ct('openNowFilter')}</small>
    </div>
    <button type="button" class="btn btn-link qc-clear-filters">${ct('clearFilters')}</button>
  </form>`
}

function pageView(me: Me | null, f: Filters, categories: Category[]): Safe {
  return html`<div class="container py-4 qc-catalogue">
    <h1>${ct('browseTitle')}</h1>
    <p class="qc-lead">${ct('browseIntro')}</p>
    ${me
      ? html`<div class="qc-actions">
          <a class="btn btn-outline-primary" href="/servizi/richieste">${ct('myRequestsLink')}</a>
          ${hasRole(me, 'operator') ? html`<a class="btn btn-outline-primary" href="/gestione/servizi">${ct('consoleLink')}</a>` : ''}
        </div>`
      : ''}
    ${filtersView(f, categories)}
    ${pageStatus('services-status')}
    <p class="qc-count" id="services-count" aria-live="polite" aria-atomic="true"></p>
    <ul class="qc-services list-unstyled" aria-labelledby="services-count"></ul>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${ct('loadMore')}</button>
  </div>`
}

function countText(shown: number, more: boolean): string {
  if (more) return ctf('resultsMore', { n: shown })
  if (shown === 0) return ct('resultsNone')
  return shown === 1 ? ct('resultsOne') : ctf('resultsMany', { n: shown })
}

export async function browsePage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ct('browseTitle'))
  setHtml(main, loadingView())
  let filters = readFilters(location.search)
  let me: Me | null
  let categories: Category[]
  let first: Page<Service>
  const apiFilters = (f: Filters, cursor: string | null = null): ServiceFilters => ({ ...f, limit: PAGE_SIZE, cursor })
  try {
    ;[me, categories, first] = await Promise.all([
      loadSession().catch(() => null),
      catalogue.categories(signal),
      catalogue.services(apiFilters(filters), signal),
    ])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ct('browseTitle'), err))
    return
  }
  if (signal.aborted) return
  const names = new Map(categories.map((c) => [c.code, c.name]))

  setHtml(main, pageView(me, filters, categories))
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement
  const list = main.querySelector<HTMLUListElement>('.qc-services') as HTMLUListElement
  const count = main.querySelector<HTMLElement>('#services-count') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#services-status') as HTMLElement
  let cursor = first.next_cursor
  let search: AbortController | null = null

  const show = (items: Service[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items.map((s) => serviceCard(s, { category: names.get(s.category) }).value).join('')
    if (replace) list.innerHTML = markup
    else list.insertAdjacentHTML('beforeend', markup)
    more.hidden = cursor === null
    count.textContent = countText(list.children.length, cursor !== null)
    return (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null
  }
  show(first.items, true)

  const read = (): Filters => {
    const data = new FormData(form)
    const value = (k: string): string => (typeof data.get(k) === 'string' ? (data.get(k) as string) : '')
    return {
      q: value('q'),
      category: value('category'),
      price_model: value('price_model'),
      language: value('language'),
      open_now: data.get('open_now') === 'true',
    }
  }

  const apply = (): void => {
    filters = read()
    // the filters go in the address: back and reload keep them (no new history entry)
    history.replaceState(null, '', location.pathname + toQuery(filters))
    search?.abort()
    const controller = new AbortController()
    search = controller
    list.setAttribute('aria-busy', 'true')
    status.textContent = ''
    catalogue
      .services(apiFilters(filters), controller.signal)
      .then((page) => {
        if (controller.signal.aborted || signal.aborted) return
        cursor = page.next_cursor
        show(page.items, true)
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted || signal.aborted) return
        setHtml(status, alertBox('danger', errorMessage(err)))
      })
      .finally(() => {
        if (search === controller) list.removeAttribute('aria-busy')
      })
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    apply()
  })
  // drop-downs and the switch apply at once; the words on "Cerca" (or Enter)
  form.addEventListener('change', (event) => {
    if ((event.target as Element | null)?.matches('select, input[type="checkbox"]')) apply()
  })
  form.querySelector('.qc-clear-filters')?.addEventListener('click', () => {
    form.reset()
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[name="q"], select')) el.value = ''
    const toggle = form.querySelector<HTMLInputElement>('input[name="open_now"]')
    if (toggle) toggle.checked = false
    apply()
    form.querySelector<HTMLInputElement>('input[name="q"]')?.focus()
  })

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    catalogue
      .services(apiFilters(filters, cursor), signal)
      .then((page) => {
        if (signal.aborted) return
        const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
        cursor = page.next_cursor
        const firstNew = show(page.items.filter((s) => !known.has(String(s.id))), false)
        firstNew?.querySelector<HTMLElement>('a')?.focus()
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
