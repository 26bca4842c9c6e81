/**
 * /gestione/inquilini — the reviewers' queue of tenancy requests: custodians (their own
 * complexes only; the complex filter lists only those) and the housing manager's staff
 * (all). Oldest first; filters by state (waiting by default) and complex, kept in the
 * address (`?stato=…&complesso=…`). Approve (confirmed in place) grants the tenant role at
 * once; "do not approve" asks for the reason the person will read.
 */

import type { Me, Page } from '../api'
import { busy, clearErrors, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { askToConfirm, errorView, messageView, pageStatus, requireUser, selectBox, textareaField } from '../pages/scaffold'
import { isStaff, scopeIds } from '../roles'
import { navigate, type PageContext } from '../router'
import { STATUSES, tenancy, type Complex, type QueueFilters, type TenancyRequest, type TenancyStatus } from './api'
import { tt, ttf } from './i18n'
import { isReviewer } from './request'

const FILTERS = 'queue-filters'
const BASE = '/gestione/inquilini'

function readFilters(complexes: Complex[]): QueueFilters {
  const p = new URLSearchParams(location.search)
  const stato = p.get('stato')
  const status: TenancyStatus | '' =
    stato === 'tutte' ? '' : STATUSES.includes(stato as TenancyStatus) ? (stato as TenancyStatus) : 'pending'
  const complexId = Number(p.get('complesso'))
  return { status, complex_id: complexes.some((c) => c.id === complexId) ? complexId : null }
}

function filtersPath(f: QueueFilters): string {
  const p = new URLSearchParams()
  if (f.status !== 'pending') p.set('stato', f.status || 'tutte')
  if (f.complex_id) p.set('complesso', String(f.complex_id))
  const q = p.toString()
  return q ? `${BASE}?${q}` : BASE
}

function name(complexes: Complex[], id: number): string {
  return complexes.find((c) => c.id === id)?.name ?? `#${id}`
}

function stateBadge(r: TenancyRequest): Safe {
  const cls = r.status === 'approved' ? 'qc-badge-new' : r.status === 'rejected' ? 'qc-badge-late' : 'qc-badge-status'
  return html`<span class="qc-badge ${cls} qc-tenancy-state">${tt(`status_${r.status}`)}</span>`
}

function itemView(r: TenancyRequest, complexes: Complex[]): Safe {
  const complex = name(complexes, r.complex_id)
  return html`<li class="qc-queue-item" data-id="${r.id}" data-status="${r.status}">
    <h2 class="h5 mb-1" id="request-${r.id}-title">${r.requester_name}</h2>
    <p class="qc-badges">${stateBadge(r)}</p>
    <dl class="qc-facts">
      <div><dt>${tt('requester')}</dt><dd>${r.requester_name} (${ttf('userNumber', { id: r.user_id })})</dd></div>
      <div><dt>${tt('filterComplex')}</dt><dd class="qc-queue-complex">${complex}</dd></div>
      <div><dt>${tt('codeLabel')}</dt><dd class="qc-tenancy-code">${r.tenancy_code}</dd></div>
      ${r.note ? html`<div><dt>${tt('noteLabel')}</dt><dd class="qc-prewrap">${r.note}</dd></div>` : ''}
      ${r.status === 'rejected' && r.decision_note
        ? html`<div><dt>${tt('reasonLabel')}</dt><dd class="qc-prewrap">${r.decision_note}</dd></div>`
        : ''}
    </dl>
    <p class="mb-1">
      ${ttf('sentOn', { date: formatDateTime(r.created_at) })}${r.decided_at
        ? html` · ${ttf('decidedOn', { date: formatDateTime(r.decided_at) })}`
        : ''}
    </p>
    ${r.status === 'pending'
      ? html`<div class="qc-actions" role="group" aria-labelledby="request-${r.id}-title">
            <button type="button" class="btn btn-primary" data-approve="${r.id}">${tt('approve')}</button>
            <button type="button" class="btn btn-outline-danger" data-reject="${r.id}" aria-expanded="false" aria-controls="reject-${r.id}">
              ${tt('reject')}
            </button>
          </div>
          <div class="qc-confirm-slot" id="approve-${r.id}" hidden></div>
          <form class="qc-form qc-reject-form" id="reject-${r.id}" novalidate hidden>
            ${statusRegion(`reject-${r.id}`)}
            ${textareaField(`reject-${r.id}`, 'note', ttf('rejectReason', { name: r.requester_name }), {
              help: tt('rejectReasonHelp'),
              required: true,
              rows: 3,
              maxlength: 500,
            })}
            <div class="qc-actions">
              <button type="submit" class="btn btn-danger">${tt('rejectConfirm')}</button>
              <button type="button" class="btn btn-outline-primary" data-cancel-reject="${r.id}">${tt('rejectCancel')}</button>
            </div>
          </form>`
      : ''}
  </li>`
}

function pageView(complexes: Complex[], f: QueueFilters): Safe {
  return html`<div class="container py-4 qc-narrow qc-queue">
    <h1>${tt('queueTitle')}</h1>
    <p class="qc-lead">${tt('queueIntro')}</p>
    <form id="${FILTERS}" class="qc-form qc-queue-filters" method="get" action="${BASE}">
      ${selectBox(
        FILTERS,
        'stato',
        tt('filterStatus'),
        [...STATUSES.map((s) => ({ value: s, label: tt(`status_${s}`) })), { value: 'tutte', label: tt('allStatuses') }],
        f.status || 'tutte',
      )}
      ${complexes.length > 1
        ? selectBox(
            FILTERS,
            'complesso',
            tt('filterComplex'),
            [{ value: '', label: tt('allComplexes') }, ...complexes.map((c) => ({ value: String(c.id), label: c.name }))],
            f.complex_id ? String(f.complex_id) : '',
          )
        : ''}
      <button type="submit" class="btn btn-outline-primary">${tt('showFilters')}</button>
    </form>
    ${pageStatus('queue-status')}
    <ul class="list-unstyled qc-queue-list"></ul>
    <p class="qc-empty" hidden>${f.status === 'pending' ? tt('queueEmptyPending') : tt('queueEmpty')}</p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${tt('loadMore')}</button>
  </div>`
}

/** The complexes a reviewer may filter by: their own as custodian, all for staff. */
function reviewable(me: Me, complexes: Complex[]): Complex[] {
  if (isStaff(me)) return complexes
  const own = new Set(scopeIds(me, 'custodian'))
  return complexes.filter((c) => own.has(c.id))
}

export async function tenancyQueuePage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(tt('queueTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let complexes: Complex[]
  let first: Page<TenancyRequest>
  let filters: QueueFilters
  try {
    me = await requireUser(ctx, true)
    if (!me) return
    if (!isReviewer(me)) {
      setHtml(main, messageView(tt('queueTitle'), tt('queueForbidden')))
      return
    }
    complexes = reviewable(me, await tenancy.complexes(signal))
    filters = readFilters(complexes)
    first = await tenancy.queue(filters, null, signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(tt('queueTitle'), err))
    return
  }
  if (signal.aborted) return
  setHtml(main, pageView(complexes, filters))

  const list = main.querySelector<HTMLUListElement>('.qc-queue-list') as HTMLUListElement
  const empty = main.querySelector<HTMLElement>('.qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#queue-status') as HTMLElement
  const items = new Map<number, TenancyRequest>()
  let cursor = first.next_cursor

  const add = (page: Page<TenancyRequest>): void => {
    for (const r of page.items) {
      items.set(r.id, r)
      list.insertAdjacentHTML('beforeend', itemView(r, complexes).value)
    }
    cursor = page.next_cursor
    more.hidden = !cursor
    empty.hidden = items.size > 0
  }
  add(first)

  const replace = (r: TenancyRequest): HTMLElement | null => {
    items.set(r.id, r)
    const old = list.querySelector<HTMLElement>(`li[data-id="${r.id}"]`)
    if (!old) return null
    old.insertAdjacentHTML('afterend', itemView(r, complexes).value)
    old.remove()
    const fresh = list.querySelector<HTMLElement>(`li[data-id="${r.id}"]`)
    const heading = fresh?.querySelector<HTMLElement>('h2') ?? null
    if (heading) {
      heading.tabIndex = -1
      heading.focus()
    }
    return fresh
  }

  main.querySelector<HTMLFormElement>(`#${FILTERS}`)?.addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const stato = form.querySelector<HTMLSelectElement>('select[name="stato"]')?.value ?? 'pending'
    const complesso = Number(form.querySelector<HTMLSelectElement>('select[name="complesso"]')?.value) || null
    navigate(
      filtersPath({
        status: stato === 'tutte' ? '' : STATUSES.includes(stato as TenancyStatus) ? (stato as TenancyStatus) : 'pending',
        complex_id: complesso,
      }),
    )
  })

  more.addEventListener('click', () => {
    more.disabled = true
    tenancy
      .queue(filters, cursor)
      .then((page) => {
        const before = list.children.length
        add(page)
        list.children[before]?.querySelector<HTMLElement>('h2')?.setAttribute('tabindex', '-1')
        ;(list.children[before]?.querySelector<HTMLElement>('h2') as HTMLElement | undefined)?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })

  list.addEventListener('click', (event) => {
    const target = event.target as Element | null
    const approve = target?.closest<HTMLButtonElement>('button[data-approve]')
    if (approve) {
      const r = items.get(Number(approve.dataset.approve))
      const slot = r ? list.querySelector<HTMLElement>(`#approve-${r.id}`) : null
      if (!r || !slot) return
      const complex = name(complexes, r.complex_id)
      askToConfirm(
        slot,
        ttf('approveQuestion', { name: r.requester_name, complex }),
        tt('approveYes'),
        async () => {
          try {
            replace(await tenancy.approve(r.id))
          } catch (err) {
            setHtml(status, alertBox('danger', errorMessage(err)))
            return
          }
          setHtml(status, alertBox('success', ttf('approved', { name: r.requester_name, complex })))
        },
        approve,
      )
      return
    }
    const reject = target?.closest<HTMLButtonElement>('button[data-reject]')
    if (reject) {
      const form = list.querySelector<HTMLFormElement>(`#reject-${reject.dataset.reject}`)
      if (!form) return
      form.hidden = false
      reject.setAttribute('aria-expanded', 'true')
      form.querySelector<HTMLTextAreaElement>('textarea')?.focus()
      return
    }
    const cancel = target?.closest<HTMLButtonElement>('button[data-cancel-reject]')
    if (cancel) {
      const id = cancel.dataset.cancelReject ?? ''
      const form = list.querySelector<HTMLFormElement>(`#reject-${id}`)
      if (form) {
        clearErrors(form)
        form.hidden = true
      }
      const opener = list.querySelector<HTMLButtonElement>(`button[data-reject="${id}"]`)
      opener?.setAttribute('aria-expanded', 'false')
      opener?.focus()
    }
  })

  list.addEventListener('submit', (event) => {
    const form = (event.target as Element | null)?.closest<HTMLFormElement>('form.qc-reject-form')
    if (!form) return
    event.preventDefault()
    const r = items.get(Number(form.id.replace('reject-', '')))
    if (!r) return
    const note = (form.querySelector<HTMLTextAreaElement>('textarea[name="note"]')?.value ?? '').trim()
    if (!note) {
      showErrors(form, t('formHasErrors'), { note: [tt('reasonRequired')] })
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        replace(await tenancy.reject(r.id, note))
      } catch (err) {
        showApiError(form, err)
        return
      }
      setHtml(status, alertBox('success', ttf('rejected', { name: r.requester_name })))
    })
  })
}
