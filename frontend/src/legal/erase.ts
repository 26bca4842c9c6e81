/**
 * /profilo/cancella-account — deleting one's account (GDPR erasure): what is erased at
 * once, what stays and why, the downloads of one's data, and the password that confirms
 * it (DELETE /users/me). A 409 says which obligation to close first; a wrong password
 * says so on the field. Afterwards the app is signed out and says so on the sign-in page.
 */

import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml } from '../html'
import { t } from '../i18n'
import { setTitle } from '../layout'
import { breadcrumb, requireUser } from '../pages/scaffold'
import { navigate, type PageContext } from '../router'
import { signOut } from '../session'
import { EXPORT_JSON, EXPORT_ZIP, legal } from './api'
import { lt, type LKey } from './i18n'

const FORM = 'erase-account'
const GONE: LKey[] = ['eraseGone1', 'eraseGone2', 'eraseGone3', 'eraseGone4', 'eraseGone5']
const STAYS: LKey[] = ['eraseStays1', 'eraseStays2', 'eraseStays3']

function eraseView() {
  return html`<div class="container py-4 qc-narrow qc-erase">
    ${breadcrumb([{ href: '/profilo', label: t('profileTitle') }, { label: lt('eraseTitle') }])}
    <h1>${lt('eraseTitle')}</h1>
    <p class="qc-lead">${lt('eraseIntro')}</p>
    <p>${lt('eraseBefore')}</p>
    <ul class="qc-exports">
      <li><a href="${EXPORT_JSON}" download>${lt('exportJson')}</a></li>
      <li><a href="${EXPORT_ZIP}" download>${lt('exportZip')}</a></li>
    </ul>
    <section aria-labelledby="erase-gone">
      <h2 id="erase-gone" class="h4">${lt('eraseGoneHeading')}</h2>
      <ul>${GONE.map((key) => html`<li>${lt(key)}</li>`)}</ul>
    </section>
    <section aria-labelledby="erase-stays">
      <h2 id="erase-stays" class="h4">${lt('eraseStaysHeading')}</h2>
      <ul>${STAYS.map((key) => html`<li>${lt(key)}</li>`)}</ul>
      <p>${lt('eraseBlockedNote')}</p>
    </section>
    <form id="${FORM}" class="qc-form mt-4" novalidate>
      ${statusRegion(FORM)}
      ${inputField(FORM, {
        name: 'password',
        label: lt('erasePassword'),
        type: 'password',
        autocomplete: 'current-password',
        required: true,
      })}
      <button type="submit" class="btn btn-danger">${lt('eraseSubmit')}</button>
    </form>
  </div>`
}

export async function eraseAccountPage(ctx: PageContext): Promise<void> {
  const { main } = ctx
  setTitle(lt('eraseTitle'))
  const me = await requireUser(ctx)
  if (!me) return
  setHtml(main, eraseView())
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  form?.addEventListener('submit', (event) => {
    event.preventDefault()
    clearErrors(form)
    const { password = '' } = formValues(form)
    if (!password) {
      showErrors(form, t('formHasErrors'), { password: [t('required')] })
      return
    }
    void busy(form, async () => {
      try {
        await legal.erase(password)
      } catch (err) {
        showApiError(form, err)
        return
      }
      // the server ended every session: the app forgets it was signed in
      await signOut().catch(() => undefined)
      navigate('/accedi', { flash: lt('erased') })
    })
  })
}
