/**
 * The profile's "name and language" form: PATCH /users/me. A new language is also the web
 * app's from now on (the page is drawn again in it, and says it saved).
 */

import { api, type Me } from '../api'
import { busy, clearErrors, formValues, inputField, selectField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml } from '../html'
import { LANGUAGE_NAMES, isLang, lang, setLang, t, type Lang } from '../i18n'
import { alertBox } from '../layout'
import { refreshSession } from '../session'
import { pt } from './i18n'

const FORM = 'details'
const LANGS: Lang[] = ['it', 'en']
/** Set when a save switched the app's language: the redrawn page says it saved. */
let savedBeforeRedraw = false

export function mountDetails(container: HTMLElement, me: Me): void {
  setHtml(
    container,
    html`<section class="qc-details mt-4" aria-labelledby="${FORM}-title">
      <h2 class="h4" id="${FORM}-title">${pt('detailsTitle')}</h2>
      <p>${pt('detailsIntro')}</p>
      <form id="${FORM}" class="qc-form" novalidate>
        ${statusRegion(FORM)}
        ${inputField(FORM, {
          name: 'display_name',
          label: pt('fieldName'),
          required: true,
          maxlength: 80,
          autocomplete: 'nickname',
          value: me.display_name,
        })}
        ${selectField(
          FORM,
          'locale',
          pt('fieldLanguage'),
          LANGS.map((code) => ({ value: code, label: LANGUAGE_NAMES[code], lang: code })),
          isLang(me.locale) ? me.locale : 'it',
        )}
        <button type="submit" class="btn btn-primary">${pt('saveDetails')}</button>
        <p class="qc-saved mt-2 mb-0" tabindex="-1" hidden></p>
      </form>
    </section>`,
  )
  const form = container.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  const saved = form.querySelector<HTMLElement>('.qc-saved') as HTMLElement
  if (savedBeforeRedraw) {
    savedBeforeRedraw = false
    saved.textContent = pt('detailsSaved')
    saved.hidden = false
    saved.focus()
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    saved.hidden = true
    const values = formValues(form)
    const name = (values.display_name ?? '').trim()
    const locale = values.locale ?? ''
    if (!name) return showErrors(form, t('formHasErrors'), { display_name: [t('required')] })
    if (name.length > 80) return showErrors(form, t('formHasErrors'), { display_name: [pt('nameTooLong')] })
    if (!isLang(locale)) return showErrors(form, t('formHasErrors'), { locale: [t('required')] })
    clearErrors(form)
    void busy(form, async () => {
      try {
        await api.updateMe({ display_name: name, locale })
      } catch (err) {
        showApiError(form, err)
        return
      }
      await refreshSession().catch(() => null)
      if (locale !== lang()) {
        savedBeforeRedraw = true
        setLang(locale) // the whole page is drawn again, in the chosen language
        return
      }
      const status = form.querySelector('.qc-form-status')
      if (status) setHtml(status, alertBox('success', pt('detailsSaved')))
      const shown = document.querySelector('.qc-profile .qc-display-name')
      if (shown) shown.textContent = name
    })
  })
}
