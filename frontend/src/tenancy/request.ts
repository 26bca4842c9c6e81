/**
 * Asking to be recognised as a tenant: the profile's section (`mountTenancySection`) and the
 * page /profilo/inquilino (`tenancyRequestPage`, where every "only tenants" dead end of the
 * app leads, `?complesso=<id>` choosing the complex). Both show my requests and where they
 * stand (waiting, accepted, not accepted with the reason) and let me withdraw a waiting one;
 * the page has the form: the complex (name and address), staircase and flat, a note.
 */

import type { Me } from '../api'
import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { askToConfirm, breadcrumb, errorView, pageStatus, requireUser, selectBox, textareaField } from '../pages/scaffold'
import { hasRole, isStaff, scopeIds } from '../roles'
import type { PageContext } from '../router'
import { tenancy, type Complex, type TenancyRequest } from './api'
import { tt, ttf } from './i18n'

const FORM = 'tenancy'

export interface TenancyData {
  requests: TenancyRequest[]
  complexes: Complex[]
}

export async function loadTenancy(signal?: AbortSignal): Promise<TenancyData> {
  const [requests, complexes] = await Promise.all([tenancy.mine(signal), tenancy.complexes(signal)])
  return { requests, complexes }
}

function complexName(complexes: Complex[], id: number): string {
  return complexes.find((c) => c.id === id)?.name ?? `#${id}`
}

/** Custodians (of their complexes) and staff review the requests. */
export function isReviewer(me: Me): boolean {
  return isStaff(me) || hasRole(me, 'custodian')
}

function statusBadge(r: TenancyRequest): Safe {
  const cls = r.status === 'approved' ? 'qc-badge-new' : r.status === 'rejected' ? 'qc-badge-late' : 'qc-badge-status'
  return html`<span class="qc-badge ${cls} qc-tenancy-state">${tt(`status_${r.status}`)}</span>`
}

function requestItem(r: TenancyRequest, complexes: Complex[]): Safe {
  return html`<li class="qc-tenancy-request" data-id="${r.id}" data-status="${r.status}">
    <h3 class="h6 mb-1">${ttf('requestFor', { complex: complexName(complexes, r.complex_id) })}</h3>
    <p class="qc-badges">${statusBadge(r)}</p>
    <dl class="qc-facts">
      <div><dt>${tt('codeLabel')}</dt><dd class="qc-tenancy-code">${r.tenancy_code}</dd></div>
      ${r.note ? html`<div><dt>${tt('noteLabel')}</dt><dd class="qc-prewrap">${r.note}</dd></div>` : ''}
      ${r.status === 'rejected' && r.decision_note
        ? html`<div><dt>${tt('reasonLabel')}</dt><dd class="qc-prewrap qc-tenancy-reason">${r.decision_note}</dd></div>`
        : ''}
    </dl>
    <p class="qc-tenancy-dates mb-1">
      ${ttf('sentOn', { date: formatDateTime(r.created_at) })}${r.decided_at
        ? html` · ${ttf('decidedOn', { date: formatDateTime(r.decided_at) })}`
        : ''}
    </p>
    ${r.status === 'pending'
      ? html`<p class="mb-1">${tt('pendingExplained')}</p>
          <div class="qc-actions">
            <button type="button" class="btn btn-outline-primary qc-withdraw" data-withdraw="${r.id}">${tt('withdraw')}</button>
          </div>
          <div class="qc-confirm-slot" id="withdraw-${r.id}" hidden></div>`
      : r.status === 'rejected'
        ? html`<p class="mb-1">${tt('rejectedExplained')}</p>`
        : ''}
  </li>`
}

/** The requests worth showing: every waiting or refused one, and the accepted ones. */
function requestsView(data: TenancyData): Safe {
  if (!data.requests.length) return html``
  return html`<h3 class="h5 mt-3">${tt('myRequests')}</h3>
    <ul class="list-unstyled qc-tenancy-requests">
      ${data.requests.map((r) => requestItem(r, data.complexes))}
    </ul>`
}

function tenantOf(me: Me, complexes: Complex[]): string[] {
  return scopeIds(me, 'tenant').map((id) => complexName(complexes, id))
}

function hasPending(data: TenancyData): boolean {
  return data.requests.some((r) => r.status === 'pending')
}

/** Withdraw buttons: confirm in place, then `after` redraws; the outcome is announced in
 * `status` (a live region outside what is redrawn) and focus goes to `heading`. */
function wireWithdraw(root: HTMLElement, status: HTMLElement, heading: HTMLElement, after: () => Promise<void>): void {
  root.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-withdraw]')
    if (!button) return
    const id = Number(button.dataset.withdraw)
    const slot = root.querySelector<HTMLElement>(`#withdraw-${id}`)
    if (!slot) return
    askToConfirm(
      slot,
      tt('withdrawQuestion'),
      tt('withdrawYes'),
      async () => {
        try {
          await tenancy.withdraw(id)
        } catch (err) {
          setHtml(status, alertBox('danger', errorMessage(err)))
          return
        }
        await after()
        setHtml(status, alertBox('success', tt('withdrawn')))
        heading.tabIndex = -1
        heading.focus()
      },
      button,
    )
  })
}

// --- the profile's section ---------------------------------------------------------------

function sectionBody(me: Me, data: TenancyData): Safe {
  const tenantComplexes = tenantOf(me, data.complexes)
  return html`${tenantComplexes.length
      ? html`<p class="qc-tenant-of">${ttf('youAreTenant', { complexes: tenantComplexes.join(', ') })}</p>`
      : html`<p>${tt('whyIntro')}</p>
          <p>${tt('whyBenefits')}</p>`}
    ${requestsView(data)}
    ${hasPending(data) || tenantComplexes.length
      ? ''
      : html`<p class="qc-actions"><a class="btn btn-primary qc-ask-tenancy" href="/profilo/inquilino">${tt('askButton')}</a></p>`}
    ${isReviewer(me) ? html`<p><a href="/gestione/inquilini" class="qc-review-link">${tt('reviewLink')}</a></p>` : ''}`
}

/** The profile's tenancy section, in `container`, with `data` already loaded. */
export function mountTenancySection(container: HTMLElement, me: Me, data: TenancyData): void {
  setHtml(
    container,
    html`<section class="qc-tenancy-section mt-4" aria-labelledby="tenancy-title">
      <h2 class="h4" id="tenancy-title">${tt('sectionTitle')}</h2>
      ${pageStatus('tenancy-page-status')}
      <div class="qc-tenancy-body"></div>
    </section>`,
  )
  const body = container.querySelector<HTMLElement>('.qc-tenancy-body') as HTMLElement
  let current = data
  const draw = (): void => setHtml(body, sectionBody(me, current))
  draw()
  wireWithdraw(
    body,
    container.querySelector<HTMLElement>('#tenancy-page-status') as HTMLElement,
    container.querySelector<HTMLElement>('#tenancy-title') as HTMLElement,
    async () => {
      try {
        current = { ...current, requests: await tenancy.mine() }
      } catch {
        current = { ...current, requests: current.requests.filter((r) => r.status !== 'pending') }
      }
      draw()
    },
  )
}

// --- the page ------------------------------------------------------------------------------

function formView(data: TenancyData, selected: string): Safe {
  return html`<form id="${FORM}" class="qc-form qc-tenancy-form" novalidate>
    ${statusRegion(FORM)}
    ${selectBox(
      FORM,
      'complex_id',
      tt('fieldComplex'),
      [
        { value: '', label: tt('chooseComplex') },
        ...data.complexes.map((c) => ({ value: String(c.id), label: `${c.name} — ${c.address}` })),
      ],
      selected,
      { help: tt('complexHelp'), required: true },
    )}
    ${inputField(FORM, {
      name: 'tenancy_code',
      label: tt('fieldCode'),
      help: tt('codeHelp'),
      required: true,
      maxlength: 64,
    })}
    ${textareaField(FORM, 'note', tt('fieldNote'), { help: tt('noteHelp'), rows: 3, maxlength: 500 })}
    <button type="submit" class="btn btn-primary">${tt('askButton')}</button>
  </form>`
}

function pageBody(data: TenancyData, selected: string): Safe {
  return html`${requestsView(data)} ${hasPending(data) ? '' : formView(data, selected)}`
}

function pageView(me: Me, data: TenancyData): Safe {
  const tenantComplexes = tenantOf(me, data.complexes)
  return html`<div class="container py-4 qc-narrow qc-tenancy-page">
    ${breadcrumb([{ href: '/profilo', label: tt('profileLink') }, { label: tt('pageTitle') }])}
    <h1>${tt('pageTitle')}</h1>
    ${tenantComplexes.length
      ? html`<p class="qc-tenant-of">${ttf('youAreTenant', { complexes: tenantComplexes.join(', ') })}</p>`
      : ''}
    <p class="qc-lead">${tt('whyIntro')}</p>
    <p>${tt('whyBenefits')}</p>
    <p>${tt('whoDecides')}</p>
    ${pageStatus('tenancy-page-status')}
    <div class="qc-tenancy-body"></div>
  </div>`
}

export async function tenancyRequestPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(tt('pageTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let data: TenancyData
  try {
    me = await requireUser(ctx, true)
    if (!me) return
    data = await loadTenancy(signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(tt('pageTitle'), err))
    return
  }
  if (signal.aborted) return
  const wanted = new URLSearchParams(location.search).get('complesso') ?? ''
  const selected = data.complexes.some((c) => String(c.id) === wanted) ? wanted : ''

  setHtml(main, pageView(me, data))
  const body = main.querySelector<HTMLElement>('.qc-tenancy-body') as HTMLElement
  const status = main.querySelector<HTMLElement>('#tenancy-page-status') as HTMLElement
  const heading = main.querySelector<HTMLElement>('h1') as HTMLElement
  const reload = async (): Promise<void> => {
    try {
      data = { ...data, requests: await tenancy.mine() }
    } catch {
      // keep what we have
    }
    draw()
  }
  const draw = (): void => {
    setHtml(body, pageBody(data, selected))
    const form = body.querySelector<HTMLFormElement>(`#${FORM}`)
    if (!form) return
    wireForm(form, async () => {
      await reload()
      setHtml(status, alertBox('success', tt('sent')))
      heading.tabIndex = -1
      heading.focus()
    })
  }
  draw()
  wireWithdraw(body, status, heading, reload)
}

function wireForm(form: HTMLFormElement, done: () => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const complex = values.complex_id ?? ''
    const code = (values.tenancy_code ?? '').trim()
    const note = (values.note ?? '').trim()
    const wrong: Record<string, string[]> = {}
    if (!complex) wrong.complex_id = [t('required')]
    if (!code) wrong.tenancy_code = [t('required')]
    else if (code.length > 64) wrong.tenancy_code = [tt('codeTooLong')]
    if (Object.keys(wrong).length) {
      showErrors(form, t('formHasErrors'), wrong)
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        await tenancy.ask({ complex_id: Number(complex), tenancy_code: code, note: note || null })
      } catch (err) {
        showApiError(form, err)
        return
      }
      await done()
    })
  })
}
