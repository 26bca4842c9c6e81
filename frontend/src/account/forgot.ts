/** /password-dimenticata — ask for a link to choose a new password. The answer is the same
 * whether the address is an account's or not, and so is what this page shows. */

import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml } from '../html'
import { t } from '../i18n'
import { alertBox, setTitle } from '../layout'
import type { PageContext } from '../router'
import { account } from './api'
import { at } from './i18n'

const FORM = 'forgot-password'

export function forgotPasswordPage({ main }: PageContext): void {
  setTitle(at('forgotTitle'))
  setHtml(
    main,
    html`<div class="container py-4 qc-narrow">
      <h1>${at('forgotTitle')}</h1>
      <p>${at('forgotIntro')}</p>
      <form id="${FORM}" class="qc-form" novalidate>
        ${statusRegion(FORM)}
        ${inputField(FORM, { name: 'email', label: t('email'), type: 'email', autocomplete: 'email', required: true })}
        <button type="submit" class="btn btn-primary">${at('forgotSubmit')}</button>
      </form>
      <p class="mt-4"><a href="/accedi">${at('forgotBack')}</a></p>
    </div>`,
  )
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const email = (formValues(form).email ?? '').trim()
    if (!email) {
      showErrors(form, t('formHasErrors'), { email: [t('required')] })
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        const answer = await account.askPasswordReset(email)
        const status = form.querySelector('.qc-form-status')
        if (status) setHtml(status, alertBox('success', answer.message))
        form.reset()
      } catch (err) {
        showApiError(form, err)
      }
    })
  })
}
