/** /reimposta-password?token=… — choose a new password with the link from the e-mail. The
 * rules are shown before the fields; the password is typed twice. */

import { ApiError } from '../api'
import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml } from '../html'
import { t } from '../i18n'
import { alertBox, setTitle } from '../layout'
import { navigate, type PageContext } from '../router'
import { account } from './api'
import { describeWith, passwordRules } from './common'
import { at } from './i18n'

const FORM = 'reset-password'
const RULES = 'reset-password-rules'
const MIN_PASSWORD = 10

export function resetPasswordPage({ main }: PageContext): void {
  setTitle(at('resetTitle'))
  const token = new URLSearchParams(location.search).get('token') ?? ''
  if (!token) {
    setHtml(
      main,
      html`<div class="container py-4 qc-narrow">
        <h1>${at('resetTitle')}</h1>
        <div aria-live="polite">${alertBox('danger', at('resetNoToken'))}</div>
        <p><a href="/password-dimenticata">${at('resetAskAgain')}</a></p>
      </div>`,
    )
    return
  }
  setHtml(
    main,
    html`<div class="container py-4 qc-narrow">
      <h1>${at('resetTitle')}</h1>
      <p>${at('resetIntro')}</p>
      ${passwordRules(RULES)}
      <form id="${FORM}" class="qc-form" novalidate>
        ${statusRegion(FORM)}
        ${inputField(FORM, {
          name: 'new_password',
          label: at('newPassword'),
          type: 'password',
          autocomplete: 'new-password',
          required: true,
          minlength: MIN_PASSWORD,
        })}
        ${inputField(FORM, {
          name: 'new_password_again',
          label: at('newPasswordAgain'),
          type: 'password',
          autocomplete: 'new-password',
          required: true,
          minlength: MIN_PASSWORD,
        })}
        <button type="submit" class="btn btn-primary">${at('resetSubmit')}</button>
      </form>
      <p class="mt-4 qc-ask-again" hidden><a href="/password-dimenticata">${at('resetAskAgain')}</a></p>
    </div>`,
  )
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  describeWith(form, 'new_password', RULES)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const password = values.new_password ?? ''
    const problems: Record<string, string[]> = {}
    if (!password) problems.new_password = [t('required')]
    else if (password.length < MIN_PASSWORD) problems.new_password = [t('passwordTooShort')]
    if (!problems.new_password && password !== values.new_password_again) {
      problems.new_password_again = [at('passwordsDiffer')]
    }
    if (Object.keys(problems).length) {
      showErrors(form, t('formHasErrors'), problems)
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        await account.resetPassword(token, password)
      } catch (err) {
        showApiError(form, err)
        // a dead link: offer a new one
        if (err instanceof ApiError && err.status === 400) {
          main.querySelector<HTMLElement>('.qc-ask-again')?.removeAttribute('hidden')
        }
        return
      }
      navigate('/accedi', { replace: true, flash: at('resetDone') })
    })
  })
}
