import { ApiError } from '../api'
import { html, setHtml, type Safe } from '../html'
import { t, type Key } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { navigate, type Page, type PageContext } from '../router'
import { loadSession } from '../session'

export function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.message : t('genericError')
}

/** A page that could not load its data: its title and the error, announced. */
export function errorView(title: Key, err: unknown): Safe {
  return html`<div class="container py-5">
    <h1>${t(title)}</h1>
    <div aria-live="assertive">${alertBox('danger', errorMessage(err))}</div>
  </div>`
}

/**
 * The start of a page for signed-in people: its title, the loading view, then `load`.
 * Without a session the visitor is sent to sign in (and back here afterwards); an error is
 * shown under the page's title. `undefined` when there is nothing left for the page to do.
 */
export async function loadForSignedIn<T>(
  { main, signal }: PageContext,
  title: Key,
  load: (signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  setTitle(t(title))
  setHtml(main, loadingView())
  let data: T
  try {
    const me = await loadSession()
    if (signal.aborted) return undefined
    if (!me) {
      navigate('/accedi?next=' + encodeURIComponent(location.pathname), { replace: true })
      return undefined
    }
    data = await load(signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(title, err))
    return undefined
  }
  return signal.aborted ? undefined : data
}

export function notFoundPage({ main }: PageContext): void {
  setTitle(t('pageNotFoundTitle'))
  setHtml(
    main,
    html`<div class="container py-5">
      <h1>${t('pageNotFoundTitle')}</h1>
      <p>${t('pageNotFound')}</p>
      <p><a href="/">${t('backHome')}</a></p>
    </div>`,
  )
}

/**
 * A page whose code is fetched on first use: `load` is a dynamic `import()`, so Vite puts
 * the module in its own chunk, which the home page never loads (and the service worker
 * does not precache). When the chunk cannot be fetched (offline), the page says so.
 */
export function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => Page): Page {
  return async (ctx) => {
    let module: M
    try {
      module = await load()
    } catch {
      if (ctx.signal.aborted) return
      setTitle(t('errorTitle'))
      setHtml(
        ctx.main,
        html`<div class="container py-5">
          <h1>${t('errorTitle')}</h1>
          <div aria-live="assertive">${alertBox('danger', t('pageLoadError'))}</div>
        </div>`,
      )
      return
    }
    if (ctx.signal.aborted) return
    await pick(module)(ctx)
  }
}
