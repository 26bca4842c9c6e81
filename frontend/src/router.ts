/**
 * A tiny history-API router. Its pages are those of qc_platform/webapp/pages.json (main.ts
 * adds them), the table the server reads too, so it answers exactly these paths with the
 * app; every other link is left to the browser.
 */

export interface PageContext {
  /** The <main> element the page renders into. */
  main: HTMLElement
  params: Record<string, string>
  /** Aborted when the user navigates away before the page has finished loading. */
  signal: AbortSignal
  /** One-off message handed over by the previous page (e.g. "you have signed out"). */
  flash: string | null
}

export type Page = (ctx: PageContext) => Promise<void> | void

interface Route {
  pattern: RegExp
  keys: string[]
  page: Page
}

const routes: Route[] = []
let notFound: Page = () => undefined
let current: AbortController | null = null
let pendingFlash: string | null = null
let afterRender: (path: string) => void = () => undefined

/**
 * `path` in the server's (Flask) syntax: `/scambi/<int:exchange_id>` gives the page
 * `params.exchange_id`. Any segment matches a parameter (the page checks it and says when
 * there is nothing there); a path without parameters wins over one with, whatever the order.
 */
export function route(path: string, page: Page): void {
  const keys: string[] = []
  const source = path.replace(/<(?:[a-z]+:)?([a-z_]+)>/g, (_m, key: string) => {
    keys.push(key)
    return '([^/]+)'
  })
  routes.push({ pattern: new RegExp(`^${source}/?$`), keys, page })
  routes.sort((a, b) => a.keys.length - b.keys.length)
}

export function setNotFound(page: Page): void {
  notFound = page
}

export function onAfterRender(fn: (path: string) => void): void {
  afterRender = fn
}

function match(pathname: string): { page: Page; params: Record<string, string> } | null {
  for (const r of routes) {
    const m = r.pattern.exec(pathname)
    if (m) {
      const params: Record<string, string> = {}
      r.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1] ?? '')
      })
      return { page: r.page, params }
    }
  }
  return null
}

export function isAppPath(pathname: string): boolean {
  return match(pathname) !== null
}

export async function render(focus = false): Promise<void> {
  current?.abort()
  const controller = new AbortController()
  current = controller
  const main = document.getElementById('main') as HTMLElement
  const found = match(location.pathname)
  const flash = pendingFlash
  pendingFlash = null
  main.dataset.state = 'loading'
  main.setAttribute('aria-busy', 'true')
  try {
    await (found ? found.page : notFound)({
      main,
      params: found?.params ?? {},
      signal: controller.signal,
      flash,
    })
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return
    throw err
  }
  if (controller.signal.aborted) return
  main.removeAttribute('aria-busy')
  main.dataset.state = 'ready'
  afterRender(location.pathname)
  if (focus) {
    // move focus to the new page's heading so screen readers announce it
    const heading = main.querySelector<HTMLElement>('h1')
    if (heading) {
      heading.tabIndex = -1
      heading.focus()
    }
  }
}

export function navigate(path: string, options: { replace?: boolean; flash?: string } = {}): void {
  pendingFlash = options.flash ?? null
  if (options.replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  window.scrollTo(0, 0)
  void render(true)
}

export function startRouter(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    const target = event.target as Element | null
    const link = target?.closest('a')
    if (!link || link.target || link.hasAttribute('download')) return
    const url = new URL(link.href, location.href)
    if (url.origin !== location.origin || !isAppPath(url.pathname)) return
    if (url.pathname === location.pathname && url.hash) return // in-page anchor
    event.preventDefault()
    if (url.pathname === location.pathname && url.search === location.search) return
    navigate(url.pathname + url.search)
  })
  window.addEventListener('popstate', () => void render(true))
  void render(false)
}
