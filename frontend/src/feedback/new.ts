/** /segnalazioni/nuova — a tenant reports on their complex (custodians and staff on a tenant's behalf). */

import type { Me } from '../api'
import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { requireUser, selectBox, textareaField } from '../pages/scaffold'
import { isStaff, scopeIds } from '../roles'
import { navigate, type PageContext } from '../router'
import { feedback, type Category, type Complex, type NewReport } from './api'
import { errorView, handover, messageView, radioGroup } from './common'
import { filePicker, wirePicker } from './files'
import { ft, ftf } from './i18n'

const FORM = 'report'

interface Choices {
  complexes: Complex[]
  /** Complexes the user is a tenant of: no one to name as the reporter there. */
  own: Set<number>
  /** Custodians and staff may report for a tenant (and then must say whom). */
  onBehalf: boolean
}

function choices(me: Me, complexes: Complex[]): Choices {
  const own = new Set(scopeIds(me, 'tenant'))
  const custodianOf = new Set(scopeIds(me, 'custodian'))
  const staff = isStaff(me)
  const allowed = complexes.filter((c) => own.has(c.id) || custodianOf.has(c.id) || staff)
  // the user's own complexes first: the first of them is preselected
  allowed.sort((a, b) => Number(own.has(b.id)) - Number(own.has(a.id)) || a.name.localeCompare(b.name))
  return { complexes: allowed, own, onBehalf: staff || custodianOf.size > 0 }
}

function complexField(c: Choices): Safe {
  const first = c.complexes[0] as Complex
  if (c.complexes.length === 1) {
    return html`<div class="qc-fixed-complex">
      <p class="mb-1">${ft('complexFixed')}</p>
      <p class="qc-fixed-complex-name">${first.name}</p>
      <input type="hidden" name="complex_id" value="${first.id}" />
    </div>`
  }
  return selectBox(
    FORM,
    'complex_id',
    ft('fieldComplex'),
    c.complexes.map((x) => ({ value: String(x.id), label: x.name })),
    String(first.id),
    { required: true },
  )
}

function formView(categories: Category[], c: Choices): Safe {
  const descriptionId = `${FORM}-category-description`
  return html`<div class="container py-4 qc-narrow">
    <nav class="breadcrumb-container" aria-label="${t('breadcrumb')}">
      <ol class="breadcrumb">
        <li class="breadcrumb-item"><a href="/segnalazioni">${ft('reportsTitle')}</a><span class="separator" aria-hidden="true">/</span></li>
        <li class="breadcrumb-item active" aria-current="page">${ft('newTitle')}</li>
      </ol>
    </nav>
    <h1>${ft('newTitle')}</h1>
    <p>${ft('newIntro')}</p>
    <p class="qc-note">${ft('emergencyNote')}</p>
    <form id="${FORM}" class="qc-form qc-report-form" novalidate>
      ${statusRegion(FORM)}
      <div class="qc-category">
      ${selectBox(
        FORM,
        'category',
        ft('fieldCategory'),
        [{ value: '', label: ft('chooseCategory') }, ...categories.map((x) => ({ value: x.code, label: x.name }))],
        '',
        { describedBy: descriptionId, required: true },
      )}
      <p class="form-text qc-category-description" id="${descriptionId}" aria-live="polite"></p>
      </div>
      ${complexField(c)}
      ${c.onBehalf
        ? inputField(FORM, {
            name: 'on_behalf_of',
            label: ft('onBehalfLabel'),
            help: ft('onBehalfHelp'),
            inputmode: 'numeric',
          })
        : ''}
      ${inputField(FORM, { name: 'title', label: ft('fieldTitle'), help: ft('titleHelp'), required: true, maxlength: 160 })}
      ${textareaField(FORM, 'description', ft('fieldDescription'), {
        help: ft('descriptionHelp'),
        required: true,
        rows: 5,
        maxlength: 5000,
      })}
      ${inputField(FORM, { name: 'location_detail', label: ft('fieldLocation'), help: ft('locationHelp'), maxlength: 200 })}
      ${filePicker(FORM, ft('photosLegend'))}
      ${radioGroup(
        FORM,
        'anonymous',
        ft('anonymityLegend'),
        [
          { value: 'false', label: ft('anonymousOff'), help: ft('anonymousOffHelp') },
          { value: 'true', label: ft('anonymousOn'), help: ft('anonymousOnHelp') },
        ],
        'false',
      )}
      ${radioGroup(
        FORM,
        'visibility',
        ft('visibilityLegend'),
        [
          { value: 'private', label: ft('visibilityPrivate'), help: ft('visibilityPrivateHelp') },
          { value: 'public', label: ft('visibilityPublic'), help: ft('visibilityPublicHelp') },
        ],
        'private',
      )}
      <button type="submit" class="btn btn-primary qc-submit">${ft('submitReport')}</button>
    </form>
  </div>`
}

function problems(values: Record<string, string>, c: Choices): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const need = (name: string): void => {
    if (!(values[name] ?? '').trim()) out[name] = [t('required')]
  }
  need('category')
  need('title')
  need('description')
  if (!out.title && (values.title ?? '').trim().length < 3) out.title = [ft('titleTooShort')]
  const behalf = (values.on_behalf_of ?? '').trim()
  if (c.onBehalf) {
    if (behalf && !/^\d+$/.test(behalf)) out.on_behalf_of = [ft('invalidNumber')]
    else if (!behalf && !c.own.has(Number(values.complex_id))) out.on_behalf_of = [t('required')]
  }
  return out
}

export async function newReportPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ft('newTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let categories: Category[]
  let complexes: Complex[]
  try {
    // fresh roles: a tenancy approved a minute ago counts
    me = await requireUser(ctx, true)
    if (!me) return
    ;[categories, complexes] = await Promise.all([feedback.categories(), feedback.complexes()])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ft('newTitle'), err))
    return
  }
  if (signal.aborted) return
  const c = choices(me, complexes)
  if (!c.complexes.length) {
    const ask = html`<p class="qc-actions"><a class="btn btn-primary" href="/profilo/inquilino">${ft('askTenancy')}</a></p>`
    setHtml(main, messageView(ft('newTitle'), ft('cannotReport'), 'info', ask))
    return
  }

  setHtml(main, formView(categories, c))
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  const picker = wirePicker(form, FORM)
  const category = form.querySelector<HTMLSelectElement>('select[name="category"]')
  const description = form.querySelector<HTMLElement>('.qc-category-description')
  category?.addEventListener('change', () => {
    if (description) description.textContent = categories.find((x) => x.code === category.value)?.description ?? ''
  })

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const wrong = problems(values, c)
    if (Object.keys(wrong).length) {
      showErrors(form, t('formHasErrors'), wrong)
      return
    }
    clearErrors(form)
    const status = form.querySelector('.qc-form-status')
    void busy(form, async () => {
      await picker.settled()
      const payload: NewReport = {
        category: values.category ?? '',
        complex_id: Number(values.complex_id),
        title: (values.title ?? '').trim(),
        description: (values.description ?? '').trim(),
        location_detail: (values.location_detail ?? '').trim() || null,
        anonymous: values.anonymous === 'true',
        visibility: values.visibility === 'public' ? 'public' : 'private',
      }
      const behalf = (values.on_behalf_of ?? '').trim()
      if (behalf) payload.on_behalf_of = Number(behalf)
      let reportId: number
      try {
        reportId = (await feedback.createReport(payload)).id
      } catch (err) {
        showApiError(form, err)
        return
      }
      // the report exists: now its photos and documents, one by one
      const failed: string[] = []
      const files = picker.files()
      if (files.length && status) setHtml(status, alertBox('info', ft('uploading')))
      for (const file of files) {
        try {
          await feedback.upload(reportId, file.blob, file.name)
        } catch (err) {
          failed.push(`«${file.name}» (${errorMessage(err)})`)
        }
      }
      handover.kind = failed.length ? 'danger' : 'success'
      navigate(`/segnalazioni/${reportId}`, {
        flash: failed.length ? ftf('reportSentPartly', { details: failed.join('; ') }) : ft('reportSent'),
      })
    })
  })
}
