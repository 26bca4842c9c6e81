/** /scambi/annunci/nuovo — publish an offer of help or a request for help. */

import { ApiError } from '../api'
import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { t } from '../i18n'
import { loadingView, setTitle } from '../layout'
import { breadcrumb, errorView, requireUser, selectBox, textareaField } from '../pages/scaffold'
import { navigate, type PageContext } from '../router'
import { market, type Category, type ListingKind } from './api'
import { durationErrors, durationField, durationValue } from './common'
import { mt } from './i18n'

const FORM = 'listing'

function formView(categories: Category[], kind: string): Safe {
  return html`<div class="container py-4 qc-narrow">
    ${breadcrumb([{ href: '/scambi', label: mt('marketTitle') }, { label: mt('newListingTitle') }])}
    <h1>${mt('newListingTitle')}</h1>
    <p>${mt('newListingIntro')}</p>
    <div class="alert alert-warning qc-alert qc-safety" role="note">
      <p class="mb-0">${mt('noContactsNote')}</p>
    </div>
    <form id="${FORM}" class="qc-form" novalidate>
      ${statusRegion(FORM)}
      <fieldset class="qc-choices" data-field="kind">
        <legend>${mt('kindLegend')}</legend>
        ${(['offer', 'request'] as ListingKind[]).map((k) => {
          const id = `${FORM}-kind-${k}`
          return html`<div class="form-check qc-choice">
            <input type="radio" id="${id}" name="kind" value="${k}" ${k === kind ? 'checked' : ''} aria-describedby="${id}-help" />
            <label for="${id}">${k === 'offer' ? mt('kindOfferChoice') : mt('kindRequestChoice')}</label>
            <small class="form-text qc-choice-help" id="${id}-help">${k === 'offer' ? mt('kindOfferHelp') : mt('kindRequestHelp')}</small>
          </div>`
        })}
      </fieldset>
      ${selectBox(
        FORM,
        'category',
        mt('fieldCategory'),
        [{ value: '', label: mt('chooseCategory') }, ...categories.map((c) => ({ value: c.code, label: c.name }))],
        '',
        { required: true },
      )}
      ${inputField(FORM, { name: 'title', label: mt('fieldTitle'), help: mt('titleHelp'), required: true, maxlength: 120 })}
      ${textareaField(FORM, 'description', mt('fieldDescription'), {
        help: mt('descriptionHelp'),
        required: true,
        rows: 5,
        maxlength: 2000,
      })}
      ${durationField(FORM, mt('estimateLegend'), 60, mt('estimateHelp'))}
      <button type="submit" class="btn btn-primary qc-submit">${mt('publishSubmit')}</button>
    </form>
  </div>`
}

// as the server's check (qc_platform/marketplace/service.py): an e-mail address, or a
// phone number (8 digits or more, single spaces, dots, slashes or dashes between them)
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/
const PHONE = /(?:\+|\b00)?\d(?:[\s./-]?\d){7,}/
const hasContact = (text: string): boolean => EMAIL.test(text) || PHONE.test(text)

export async function newListingPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(mt('newListingTitle'))
  setHtml(main, loadingView())
  let categories: Category[]
  try {
    const me = await requireUser(ctx)
    if (!me) return
    categories = await market.categories()
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(mt('newListingTitle'), err))
    return
  }
  if (signal.aborted) return
  const kindParam = new URLSearchParams(location.search).get('tipo')
  setHtml(main, formView(categories, kindParam === 'request' ? 'request' : 'offer'))
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const v = formValues(form)
    const wrong: Record<string, string[]> = {}
    const title = (v.title ?? '').trim()
    const description = (v.description ?? '').trim()
    if (!v.category) wrong.category = [t('required')]
    if (!title) wrong.title = [t('required')]
    else if (title.length < 3) wrong.title = [mt('titleTooShort')]
    if (!description) wrong.description = [t('required')]
    if (hasContact(title)) wrong.title = [mt('noContactsField')]
    if (hasContact(description)) wrong.description = [mt('noContactsField')]
    const minutes = durationValue(v)
    if (minutes > 1440) wrong.hours = [mt('durationTooLong')]
    if (Object.keys(wrong).length) {
      showErrors(form, t('formHasErrors'), wrong)
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        const listing = await market.createListing({
          kind: v.kind === 'request' ? 'request' : 'offer',
          title,
          description,
          category: v.category ?? '',
          minutes_estimate: minutes > 0 ? minutes : null,
        })
        navigate(`/scambi/annunci/${listing.id}`, { flash: mt('listingPublished') })
      } catch (err) {
        if (!(err instanceof ApiError)) {
          showApiError(form, err)
          return
        }
        // the server names the refused fields with a code ("contact details"), not a sentence
        const fields = durationErrors(err.fields)
        for (const name of ['title', 'description']) {
          if (fields[name]?.includes('contact details')) fields[name] = [mt('noContactsField')]
        }
        showErrors(form, err.message, fields)
      }
    })
  })
}
