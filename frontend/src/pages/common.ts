import { ApiError } from '../api'
import { html, setHtml } from '../html'
import { t } from '../i18n'
import { setTitle } from '../layout'
import type { PageContext } from '../router'

export function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.message : t('genericError')
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
