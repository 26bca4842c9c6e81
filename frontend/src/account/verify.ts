/** /verifica-email?token=… — the landing page of the links that confirm an address: the
 * one sent at registration (or again on request), and with `cambio=1` the one sent to a new
 * address. Opening it confirms. */

import { html, setHtml } from '../html'
import { alertBox, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import type { PageContext } from '../router'
import { loadSession, refreshSession } from '../session'
import { account } from './api'
import { at } from './i18n'

export async function verifyEmailPage({ main, signal }: PageContext): Promise<void> {
  setTitle(at('verifyTitle'))
  const query = new URLSearchParams(location.search)
  const token = query.get('token') ?? ''
  const change = query.get('cambio') === '1'
  const view = (kind: 'success' | 'danger' | 'info', message: string, link = true, signedIn = false) =>
    setHtml(
      main,
      html`<div class="container py-4 qc-narrow">
        <h1>${at('verifyTitle')}</h1>
        <div class="qc-verify-status" aria-live="polite">${alertBox(kind, message)}</div>
        ${link
          ? html`<p><a href="${signedIn ? '/profilo' : '/accedi'}">${signedIn ? at('toProfile') : at('toSignIn')}</a></p>`
          : ''}
      </div>`,
    )
  if (!token) {
    view('danger', at('verifyNoToken'), true, (await loadSession().catch(() => null)) !== null)
    return
  }
  view('info', at('verifyWorking'), false)
  let failure: unknown = null
  try {
    await (change ? account.confirmEmailChange(token) : account.confirmVerification(token))
  } catch (err) {
    failure = err
  }
  if (signal.aborted) return
  // whoever is signed in here sees their address (and its state) as it is now
  const me = await refreshSession().catch(() => null)
  if (signal.aborted) return
  if (failure !== null) view('danger', errorMessage(failure), true, me !== null)
  else view('success', change ? at('changeDone') : at('verifyDone'), true, me !== null)
}
