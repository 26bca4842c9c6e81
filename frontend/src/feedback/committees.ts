/** /gestione/comitati — staff: tenant committees, their accreditation periods and members. */

import { ApiError, type Me } from '../api'
import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDate, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { requireUser } from '../pages/scaffold'
import { isStaff } from '../roles'
import type { PageContext } from '../router'
import { feedback, type Committee, type Complex } from './api'
import { checkboxField, complexName, errorView, messageView, names, type Names } from './common'
import { ft, ftf } from './i18n'

const CREATE = 'committee-new'

function committeeView(c: Committee, n: Names): Safe {
  const accredit = `accredit-${c.id}`
  const member = `member-${c.id}`
  return html`<section class="qc-committee qc-panel" data-id="${c.id}" aria-labelledby="committee-${c.id}">
    <h2 class="h4" id="committee-${c.id}">${c.name}</h2>
    <p class="qc-badges">
      <span class="qc-badge ${c.accredited_today ? 'qc-badge-status' : ''}">
        ${c.accredited_today ? ft('accreditedToday') : ft('notAccreditedToday')}
      </span>
    </p>
    <dl class="qc-facts qc-committee-facts">
      <div><dt>${ft('complexesLabel')}</dt><dd>${c.complex_ids.map((id) => complexName(n, id)).join(', ')}</dd></div>
      <div>
        <dt>${ft('accreditationsLabel')}</dt>
        <dd>
          ${c.accreditations.length
            ? html`<ul class="qc-periods">
                ${c.accreditations.map(
                  (a) =>
                    html`<li>${ftf('periodFromTo', { from: formatDate(a.valid_from), to: formatDate(a.valid_until) })}</li>`,
                )}
              </ul>`
            : ft('noAccreditations')}
        </dd>
      </div>
    </dl>
    <div class="qc-committee-forms">
      <form id="${accredit}" class="qc-form qc-form-compact" data-action="accredit" data-id="${c.id}" novalidate>
        <fieldset>
          <legend>${ft('addAccreditation')}</legend>
          ${statusRegion(accredit)}
          ${inputField(accredit, { name: 'valid_from', label: ft('validFrom'), type: 'date', required: true })}
          ${inputField(accredit, { name: 'valid_until', label: ft('validUntil'), type: 'date', required: true })}
          <button type="submit" class="btn btn-outline-primary">${ft('accreditSubmit')}</button>
        </fieldset>
      </form>
      <form id="${member}" class="qc-form qc-form-compact" data-action="member" data-id="${c.id}" novalidate>
        <fieldset>
          <legend>${ft('addMember')}</legend>
          ${statusRegion(member)}
          ${inputField(member, {
            name: 'user_id',
            label: ft('memberUserId'),
            help: ft('memberHelp'),
            inputmode: 'numeric',
            required: true,
          })}
          <button type="submit" class="btn btn-outline-primary">${ft('memberSubmit')}</button>
        </fieldset>
      </form>
    </div>
  </section>`
}

function listView(committees: Committee[], n: Names): Safe {
  if (!committees.length) return html`<p class="qc-empty-line">${ft('noCommittees')}</p>`
  return html`${committees.map((c) => committeeView(c, n))}`
}

function createView(complexes: Complex[]): Safe {
  return html`<section class="qc-panel" aria-labelledby="${CREATE}-heading">
    <h2 class="h4" id="${CREATE}-heading">${ft('createCommittee')}</h2>
    <form id="${CREATE}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(CREATE)}
      ${inputField(CREATE, { name: 'name', label: ft('committeeName'), required: true, maxlength: 160 })}
      <fieldset class="qc-choices" data-field="complex_ids">
        <legend>${ft('committeeComplexes')}</legend>
        ${complexes.map((c) => checkboxField(CREATE, `complex-${c.id}`, c.name, { value: String(c.id) }))}
      </fieldset>
      <button type="submit" class="btn btn-primary">${ft('createSubmit')}</button>
    </form>
  </section>`
}

export async function committeesPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ft('committeesTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let committees: Committee[]
  let complexes: Complex[]
  try {
    me = await requireUser(ctx)
    if (!me) return
    if (!isStaff(me)) {
      setHtml(main, messageView(ft('committeesTitle'), ft('staffOnly')))
      return
    }
    ;[committees, complexes] = await Promise.all([feedback.committees(signal), feedback.complexes()])
  } catch (err) {
    if (signal.aborted) throw err
    if (err instanceof ApiError && err.status === 403) setHtml(main, messageView(ft('committeesTitle'), ft('staffOnly')))
    else setHtml(main, errorView(ft('committeesTitle'), err))
    return
  }
  if (signal.aborted) return
  const n = names([], complexes)

  setHtml(
    main,
    html`<div class="container py-4 qc-manage">
      <h1>${ft('committeesTitle')}</h1>
      <p class="qc-lead">${ft('committeesIntro')}</p>
      <div class="qc-committees">${listView(committees, n)}</div>
      ${createView(complexes)}
    </div>`,
  )
  const list = main.querySelector<HTMLElement>('.qc-committees') as HTMLElement
  const create = main.querySelector<HTMLFormElement>(`#${CREATE}`) as HTMLFormElement

  const success = (form: HTMLFormElement, message: string): void => {
    clearErrors(form)
    const status = form.querySelector('.qc-form-status')
    if (status) setHtml(status, alertBox('success', message))
  }

  list.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement
    event.preventDefault()
    const committeeId = Number(form.dataset.id)
    const values = formValues(form)
    if (form.dataset.action === 'accredit') {
      const wrong: Record<string, string[]> = {}
      if (!values.valid_from) wrong.valid_from = [t('required')]
      if (!values.valid_until) wrong.valid_until = [t('required')]
      if (Object.keys(wrong).length) {
        showErrors(form, t('formHasErrors'), wrong)
        return
      }
      void busy(form, async () => {
        let updated: Committee
        try {
          await feedback.accredit(committeeId, { valid_from: values.valid_from ?? '', valid_until: values.valid_until ?? '' })
          updated = await feedback.committee(committeeId)
        } catch (err) {
          showApiError(form, err)
          return
        }
        const section = list.querySelector<HTMLElement>(`section[data-id="${committeeId}"]`)
        if (section) {
          section.outerHTML = committeeView(updated, n).value
          const again = list.querySelector<HTMLFormElement>(`#accredit-${committeeId}`)
          if (again) {
            success(again, ft('accredited'))
            again.querySelector<HTMLElement>('input')?.focus()
          }
        }
      })
      return
    }
    if (form.dataset.action === 'member') {
      const userId = (values.user_id ?? '').trim()
      if (!/^\d+$/.test(userId)) {
        showErrors(form, t('formHasErrors'), { user_id: [userId ? ft('invalidNumber') : t('required')] })
        return
      }
      void busy(form, async () => {
        try {
          await feedback.addMember(committeeId, Number(userId))
        } catch (err) {
          showApiError(form, err)
          return
        }
        form.reset()
        success(form, ftf('memberAdded', { id: userId }))
      })
    }
  })

  create.addEventListener('submit', (event) => {
    event.preventDefault()
    const name = (formValues(create).name ?? '').trim()
    const ids = Array.from(
      create.querySelectorAll<HTMLInputElement>('fieldset[data-field="complex_ids"] input:checked'),
      (input) => Number(input.value),
    )
    const wrong: Record<string, string[]> = {}
    if (name.length < 2) wrong.name = [t('required')]
    if (!ids.length) {
      showErrors(create, ft('pickComplex'), wrong)
      return
    }
    if (Object.keys(wrong).length) {
      showErrors(create, t('formHasErrors'), wrong)
      return
    }
    void busy(create, async () => {
      let committee: Committee
      try {
        committee = await feedback.createCommittee({ name, complex_ids: ids })
      } catch (err) {
        showApiError(create, err)
        return
      }
      committees = [...committees, committee]
      setHtml(list, listView(committees, n))
      create.reset()
      success(create, ft('committeeCreated'))
    })
  })
}
