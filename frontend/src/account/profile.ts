/**
 * The profile's account parts: the banner while the e-mail address is not confirmed (with
 * "send it again"), the password change (current and new) and the e-mail change (new
 * address and password). Loaded by the profile page into its two slots.
 */

import type { Me } from '../api'
import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { t } from '../i18n'
import { alertBox } from '../layout'
import { errorMessage } from '../pages/common'
import { account } from './api'
import { describeWith, passwordRules } from './common'
import { at, atf } from './i18n'

const PASSWORD_FORM = 'change-password'
const EMAIL_FORM = 'change-email'
const RULES = 'change-password-rules'
const MIN_PASSWORD = 10

function banner(me: Me): Safe {
  return html`<div class="alert alert-warning qc-unverified" role="region" aria-label="${at('verifyTitle')}">
    <p>${atf('unverifiedBanner', { email: me.email })}</p>
    <button type="button" class="btn btn-outline-primary btn-sm qc-resend">${at('resendLink')}</button>
    <div class="qc-resend-status mt-2" aria-live="polite" aria-atomic="true"></div>
  </div>`
}

function sections(): Safe {
  return html`<section class="qc-change-password mt-4" aria-labelledby="${PASSWORD_FORM}-title">
      <h2 class="h4" id="${PASSWORD_FORM}-title">${at('passwordSection')}</h2>
      <p>${at('passwordSectionIntro')}</p>
      ${passwordRules(RULES)}
      <form id="${PASSWORD_FORM}" class="qc-form" novalidate>
        ${statusRegion(PASSWORD_FORM)}
        ${inputField(PASSWORD_FORM, {
          name: 'current_password',
          label: at('currentPassword'),
          type: 'password',
          autocomplete: 'current-password',
          required: true,
        })}
        ${inputField(PASSWORD_FORM, {
          name: 'new_password',
          label: at('newPassword'),
          type: 'password',
          autocomplete: 'new-password',
          required: true,
          minlength: MIN_PASSWORD,
        })}
        <button type="submit" class="btn btn-primary">${at('changePasswordSubmit')}</button>
      </form>
    </section>
    <section class="qc-change-email mt-4" aria-labelledby="${EMAIL_FORM}-title">
      <h2 class="h4" id="${EMAIL_FORM}-title">${at('emailSection')}</h2>
      <p>${at('emailSectionIntro')}</p>
      <form id="${EMAIL_FORM}" class="qc-form" novalidate>
        ${statusRegion(EMAIL_FORM)}
        ${inputField(EMAIL_FORM, { name: 'new_email', label: at('newEmail'), type: 'email', autocomplete: 'email', required: true })}
        ${inputField(EMAIL_FORM, {
          name: 'password',
          label: at('passwordForEmail'),
          type: 'password',
          autocomplete: 'current-password',
          required: true,
        })}
        <button type="submit" class="btn btn-primary">${at('changeEmailSubmit')}</button>
      </form>
    </section>`
}

function success(form: HTMLFormElement, message: string): void {
  const status = form.querySelector('.qc-form-status')
  if (status) setHtml(status, alertBox('success', message))
  form.reset()
}

function wirePassword(form: HTMLFormElement): void {
  describeWith(form, 'new_password', RULES)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const problems: Record<string, string[]> = {}
    if (!values.current_password) problems.current_password = [t('required')]
    if (!values.new_password) problems.new_password = [t('required')]
    else if (values.new_password.length < MIN_PASSWORD) problems.new_password = [t('passwordTooShort')]
    if (Object.keys(problems).length) {
      showErrors(form, t('formHasErrors'), problems)
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        await account.changePassword(values.current_password ?? '', values.new_password ?? '')
        success(form, at('passwordChanged'))
      } catch (err) {
        showApiError(form, err)
      }
    })
  })
}

function wireEmail(form: HTMLFormElement): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const email = (values.new_email ?? '').trim()
    const problems: Record<string, string[]> = {}
    if (!email) problems.new_email = [t('required')]
    else if (!/^[^\s@]+@[^\s@]+$/.test(email)) problems.new_email = [t('invalidEmail')]
    if (!values.password) problems.password = [t('required')]
    if (Object.keys(problems).length) {
      showErrors(form, t('formHasErrors'), problems)
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        success(form, (await account.askEmailChange(email, values.password ?? '')).message)
      } catch (err) {
        showApiError(form, err)
      }
    })
  })
}

/** Fill the profile's slots: `top` (under the title) and `account` (after the facts). */
export function mountAccount(me: Me, top: Element | null, slot: Element | null): void {
  if (top && !me.email_verified) {
    setHtml(top, banner(me))
    const button = top.querySelector<HTMLButtonElement>('.qc-resend')
    const status = top.querySelector('.qc-resend-status')
    button?.addEventListener('click', () => {
      button.disabled = true
      account
        .resendVerification()
        .then((answer) => status && setHtml(status, alertBox('success', answer.message)))
        .catch((err: unknown) => status && setHtml(status, alertBox('danger', errorMessage(err))))
        .finally(() => {
          button.disabled = false
        })
    })
  }
  if (!slot) return
  setHtml(slot, sections())
  const passwordForm = slot.querySelector<HTMLFormElement>(`#${PASSWORD_FORM}`)
  const emailForm = slot.querySelector<HTMLFormElement>(`#${EMAIL_FORM}`)
  if (passwordForm) wirePassword(passwordForm)
  if (emailForm) wireEmail(emailForm)
}
