import { api } from '../api'
import { busy, clearErrors, formValues, inputField, selectField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml } from '../html'
import { LANGUAGE_NAMES, isLang, lang, setLang, t } from '../i18n'
import { setTitle } from '../layout'
import { navigate, type PageContext } from '../router'
import { loadSession, signIn } from '../session'
import { missingFields } from './signin'

const FORM = 'register'
const MIN_PASSWORD = 10

export async function registerPage({ main }: PageContext): Promise<void> {
  setTitle(t('registerTitle'))
  const me = await loadSession().catch(() => null)
  if (me) {
    navigate('/profilo', { replace: true })
    return
  }
  setHtml(
    main,
    html`<div class="container py-4 qc-narrow">
      <h1>${t('registerTitle')}</h1>
      <p>${t('registerIntro')}</p>
      <form id="${FORM}" class="qc-form" novalidate>
        ${statusRegion(FORM)}
        ${inputField(FORM, {
          name: 'display_name',
          label: t('displayName'),
          autocomplete: 'nickname',
          help: t('displayNameHelp'),
          required: true,
        })}
        ${inputField(FORM, { name: 'email', label: t('email'), type: 'email', autocomplete: 'email', required: true })}
        ${inputField(FORM, {
          name: 'password',
          label: t('password'),
          type: 'password',
          autocomplete: 'new-password',
          help: t('passwordHelp'),
          required: true,
          minlength: MIN_PASSWORD,
        })}
        ${selectField(
          FORM,
          'locale',
          t('language'),
          [
            { value: 'it', label: LANGUAGE_NAMES.it, lang: 'it' },
            { value: 'en', label: LANGUAGE_NAMES.en, lang: 'en' },
          ],
          lang(),
        )}
        <button type="submit" class="btn btn-primary">${t('registerSubmit')}</button>
      </form>
      <p class="mt-4">${t('haveAccount')} <a href="/accedi">${t('signInLink')}</a></p>
    </div>`,
  )
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const problems = missingFields(values, ['display_name', 'email', 'password'])
    const email = (values.email ?? '').trim()
    const password = values.password ?? ''
    if (!problems.email && !/^[^\s@]+@[^\s@]+$/.test(email)) problems.email = [t('invalidEmail')]
    if (!problems.password && password.length < MIN_PASSWORD) problems.password = [t('passwordTooShort')]
    if (Object.keys(problems).length) {
      showErrors(form, t('formHasErrors'), problems)
      return
    }
    clearErrors(form)
    const locale = isLang(values.locale) ? values.locale : lang()
    void busy(form, async () => {
      try {
        await api.register({ email, password, display_name: (values.display_name ?? '').trim(), locale })
        await signIn(email, password)
      } catch (err) {
        showApiError(form, err)
        return
      }
      // the new account's language becomes the interface language
      setLang(locale)
      navigate('/profilo')
    })
  })
}
