import { clearErrors, busy, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml } from '../html'
import { t } from '../i18n'
import { alertBox, setTitle } from '../layout'
import { isAppPath, navigate, type PageContext } from '../router'
import { loadSession, signIn } from '../session'

const FORM = 'signin'

export function missingFields(values: Record<string, string>, names: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const n of names) if (!(values[n] ?? '').trim()) out[n] = [t('required')]
  return out
}

/** Where to go after signing in: `?next=` when it is one of the app's pages, else the profile. */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next')
  if (next && /^\/(?![/\\])/.test(next) && isAppPath(new URL(next, location.origin).pathname)) return next
  return '/profilo'
}

export async function signInPage({ main, flash }: PageContext): Promise<void> {
  setTitle(t('signInTitle'))
  // already signed in: straight to the profile
  const me = await loadSession().catch(() => null)
  if (me) {
    navigate(nextPath(), { replace: true })
    return
  }
  setHtml(
    main,
    html`<div class="container py-4 qc-narrow">
      <h1>${t('signInTitle')}</h1>
      <p>${t('signInIntro')}</p>
      <form id="${FORM}" class="qc-form" novalidate>
        ${statusRegion(FORM)}
        ${inputField(FORM, { name: 'email', label: t('email'), type: 'email', autocomplete: 'email', required: true })}
        ${inputField(FORM, {
          name: 'password',
          label: t('password'),
          type: 'password',
          autocomplete: 'current-password',
          required: true,
        })}
        <button type="submit" class="btn btn-primary">${t('signInSubmit')}</button>
      </form>
      <p class="mt-3"><a href="/password-dimenticata">${t('forgotPasswordLink')}</a></p>
      <p class="mt-4">${t('noAccount')} <a href="/registrati">${t('registerLink')}</a></p>
    </div>`,
  )
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  if (flash) {
    const status = form.querySelector('.qc-form-status')
    if (status) setHtml(status, alertBox('success', flash))
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const missing = missingFields(values, ['email', 'password'])
    if (Object.keys(missing).length) {
      showErrors(form, t('formHasErrors'), missing)
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        await signIn((values.email ?? '').trim(), values.password ?? '')
        navigate(nextPath())
      } catch (err) {
        showApiError(form, err)
      }
    })
  })
}
