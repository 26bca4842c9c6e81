/**
 * /segnalazioni/<id> — one report: where it has got to, its photos, what has happened,
 * and what the viewer can do: comment (sender), answer and change status or write an
 * internal note (recipients, staff), reassign (staff), say whether it was solved (sender,
 * once resolved), "me too" (other tenants, public reports). Refreshed when a live
 * notification points here.
 */

import { ApiError, type Me } from '../api'
import { busy, clearErrors, formValues, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification } from '../notifications'
import { errorMessage } from '../pages/common'
import { pageStatus, requireUser, selectBox, sitePath, textareaField } from '../pages/scaffold'
import { isStaff } from '../roles'
import type { PageContext } from '../router'
import {
  feedback,
  ROUTE_TARGETS,
  TRANSITIONS,
  type Attachment,
  type Committee,
  type Report,
  type ReportStatus,
  type ReportUpdate,
  type RouteTo,
} from './api'
import { authorRoleName, canHandle, canSupport, categoryName, checkboxField, complexName, errorView, fileSize, handover, isReporter, messageView, names, radioGroup, reportBadges, routeName, statusHelp, statusName, statusSteps, type Names } from './common'
import { filePicker, wirePicker } from './files'
import { ft, ftf } from './i18n'

const COMMENT = 'update'
const OUTCOME = 'outcome'
const REASSIGN = 'reassign'
const UPLOAD = 'attach'

interface State {
  me: Me
  report: Report
  updates: ReportUpdate[]
  /** null: the server has no attachments yet (the list answered 404). */
  attachments: Attachment[] | null
  attachmentsError: string | null
  names: Names
  committees: Map<number, Committee>
}

function paragraphs(text: string): Safe[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p class="qc-prewrap">${p}</p>`)
}

function committeeLabel(s: State, committeeId: number | null): string {
  if (committeeId === null) return routeName('committee')
  const name = s.committees.get(committeeId)?.name
  return `${routeName('committee')} (${name ?? ftf('committeeNumber', { id: committeeId })})`
}

function assignedTo(s: State): string {
  const active = s.report.assignments.filter((a) => a.active)
  const labels = active.map((a) => (a.target === 'committee' ? committeeLabel(s, a.committee_id) : routeName(a.target)))
  return [...new Set(labels)].join(', ')
}

function reporterText(s: State): string {
  const r = s.report
  if (isReporter(s.me, r)) return ft('you')
  if (!r.reporter) return ft('reporterAnonymous')
  return r.submitted_on_behalf ? `${r.reporter.display_name} (${ft('onBehalf')})` : r.reporter.display_name
}

function summaryView(s: State): Safe {
  const r = s.report
  const open = r.status === 'submitted' || r.status === 'acknowledged' || r.status === 'in_progress'
  const fact = (label: string, value: string, cls = ''): Safe =>
    html`<div><dt>${label}</dt><dd class="${cls}">${value}</dd></div>`
  return html`<h1 class="qc-report-heading">${r.title}</h1>
    ${reportBadges(r, s.me)}
    <p class="qc-status-help"><span class="qc-status-now">${statusName(r.status)}</span>: ${statusHelp(r.status)}</p>
    ${statusSteps(r.status)}
    ${r.solved !== null && r.satisfaction !== null && isReporter(s.me, r)
      ? html`<p class="qc-outcome-given">${ftf(r.solved ? 'outcomeGivenYes' : 'outcomeGivenNo', { n: r.satisfaction })}</p>`
      : ''}
    <dl class="qc-facts qc-report-facts">
      ${fact(ft('category'), categoryName(s.names, r.category), 'qc-fact-category')}
      ${fact(ft('complex'), complexName(s.names, r.complex_id), 'qc-fact-complex')}
      ${r.location_detail ? fact(ft('where'), r.location_detail, 'qc-fact-where') : ''}
      ${fact(ft('factSent'), formatDateTime(r.created_at))}
      ${fact(ft('factReporter'), reporterText(s), 'qc-fact-reporter')}
      ${fact(ft('factVisibility'), r.visibility === 'public' ? ft('publicBadge') : ft('privateBadge'))}
      ${assignedTo(s) ? fact(ft('factAssigned'), assignedTo(s), 'qc-fact-assigned') : ''}
      ${r.first_responded_at
        ? fact(ft('factFirstResponse'), formatDateTime(r.first_responded_at))
        : open
          ? fact(ft('factDue'), formatDateTime(r.first_response_due_at))
          : ''}
      ${r.visibility === 'public' ? fact(ft('factSupports'), String(r.support_count), 'qc-fact-supports') : ''}
    </dl>`
}

function attachmentsView(s: State): Safe {
  if (s.attachmentsError) return alertBox('danger', s.attachmentsError)
  const items = s.attachments ?? []
  if (!items.length) return html`<p class="qc-empty-line">${ft('noAttachments')}</p>`
  return html`<ul class="qc-attachments list-unstyled">
    ${items.map((a) => {
      const url = sitePath(a.url)
      const isImage = a.content_type.startsWith('image/')
      return html`<li class="qc-attachment" data-id="${a.id}">
        ${url && isImage
          ? html`<a class="qc-attachment-photo" href="${url}"
              ><img src="${url}" alt="${ftf('attachmentPhotoAlt', { name: a.filename })}" loading="lazy"
            /></a>`
          : ''}
        <span class="qc-attachment-name"
          >${url && !isImage ? html`<a href="${url}">${a.filename}</a>` : a.filename}</span
        >
        <span class="qc-attachment-size">${isImage ? '' : 'PDF, '}${fileSize(a.size)}</span>
      </li>`
    })}
  </ul>`
}

function updateView(s: State, u: ReportUpdate): Safe {
  const mine = u.author?.id === s.me.id
  const who = mine
    ? ft('you')
    : (u.author?.display_name ?? (u.author_role === 'reporter' ? ft('reporterAnonymous') : authorRoleName(u.author_role)))
  const role = u.author && !mine && u.author_role !== 'reporter' ? authorRoleName(u.author_role) : ''
  return html`<li class="qc-update${u.internal ? ' is-internal' : ''}" data-id="${u.id}">
    <p class="qc-update-meta">
      <strong class="qc-update-author">${who}</strong>${role ? html` · <span>${role}</span>` : ''} ·
      <time datetime="${u.created_at}">${formatDateTime(u.created_at)}</time>
      ${u.internal ? html`<span class="qc-badge qc-badge-internal">${ft('internalBadge')}</span>` : ''}
    </p>
    ${u.status_to
      ? html`<p class="qc-update-status">
          ${ftf('statusChanged', { from: statusName(u.status_from ?? ''), to: statusName(u.status_to) })}
        </p>`
      : ''}
    ${u.body ? html`<p class="qc-update-body qc-prewrap">${u.body}</p>` : ''}
  </li>`
}

function updatesView(s: State): Safe {
  if (!s.updates.length) return html`<p class="qc-empty-line">${ft('noUpdates')}</p>`
  return html`<ol class="qc-updates list-unstyled">${s.updates.map((u) => updateView(s, u))}</ol>`
}

function outcomeForm(): Safe {
  const levels = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: ft(`satisfaction${n}` as 'satisfaction1') }))
  return html`<section class="qc-panel qc-outcome" aria-labelledby="${OUTCOME}-heading">
    <h2 class="h4" id="${OUTCOME}-heading">${ft('outcomeHeading')}</h2>
    <p>${ft('outcomeIntro')}</p>
    <form id="${OUTCOME}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(OUTCOME)}
      ${radioGroup(
        OUTCOME,
        'solved',
        ft('outcomeHeading'),
        [
          { value: 'true', label: ft('outcomeYes') },
          { value: 'false', label: ft('outcomeNo') },
        ],
        '',
      )}
      ${radioGroup(OUTCOME, 'satisfaction', ft('satisfactionLegend'), levels, '')}
      <button type="submit" class="btn btn-primary">${ft('outcomeSubmit')}</button>
    </form>
  </section>`
}

function supportView(): Safe {
  return html`<section class="qc-panel qc-support" aria-labelledby="support-heading">
    <h2 class="h4 visually-hidden" id="support-heading">${ft('supportButton')}</h2>
    <p id="support-help">${ft('supportHelp')}</p>
    <button type="button" class="btn btn-outline-primary qc-support-button" aria-describedby="support-help">
      ${ft('supportButton')}
    </button>
  </section>`
}

function commentForm(s: State): Safe {
  const handler = canHandle(s.me, s.report)
  const next = TRANSITIONS[s.report.status] ?? []
  return html`<section class="qc-panel qc-comment" aria-labelledby="${COMMENT}-heading">
    <h2 class="h4" id="${COMMENT}-heading">${handler ? ft('commentHeadingHandler') : ft('commentHeadingReporter')}</h2>
    <form id="${COMMENT}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(COMMENT)}
      ${handler && next.length
        ? selectBox(
            COMMENT,
            'status',
            ft('statusSelect'),
            [
              { value: '', label: ftf('statusKeep', { status: statusName(s.report.status) }) },
              ...next.map((st) => ({ value: st, label: statusName(st) })),
            ],
            '',
          )
        : ''}
      ${textareaField(COMMENT, 'body', ft('commentLabel'), {
        // Who sent an anonymous report and handles it answers as its handler, named.
        help: !handler
          ? ft('commentHelpReporter')
          : s.report.anonymous && isReporter(s.me, s.report)
            ? ft('commentHelpSenderHandler')
            : ft('commentHelpHandler'),
        rows: 4,
        maxlength: 5000,
      })}
      ${handler ? checkboxField(COMMENT, 'internal', ft('internalCheckbox'), { help: ft('internalCheckboxHelp') }) : ''}
      <button type="submit" class="btn btn-primary">${ft('sendUpdate')}</button>
    </form>
  </section>`
}

function reassignForm(s: State): Safe {
  const committees = [...s.committees.values()].filter((c) => c.complex_ids.includes(s.report.complex_id))
  return html`<section class="qc-panel qc-reassign" aria-labelledby="${REASSIGN}-heading">
    <h2 class="h4" id="${REASSIGN}-heading">${ft('reassignHeading')}</h2>
    <form id="${REASSIGN}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(REASSIGN)}
      ${selectBox(
        REASSIGN,
        'route_to',
        ft('reassignTo'),
        ROUTE_TARGETS.map((r) => ({ value: r, label: routeName(r) })),
        'staff',
      )}
      ${selectBox(
        REASSIGN,
        'committee_id',
        ft('reassignCommittee'),
        [
          { value: '', label: ft('committeeOfToday') },
          ...committees.map((c) => ({
            value: String(c.id),
            label: c.accredited_today ? c.name : `${c.name} ${ft('committeeNotAccredited')}`,
          })),
        ],
        '',
      )}
      <button type="submit" class="btn btn-outline-primary">${ft('reassignSubmit')}</button>
    </form>
  </section>`
}

function canAttach(s: State): boolean {
  return s.attachments !== null && (isReporter(s.me, s.report) || canHandle(s.me, s.report))
}

function actionsView(s: State): Safe {
  const r = s.report
  const reporter = isReporter(s.me, r)
  return html`${reporter && r.status === 'resolved' ? outcomeForm() : ''}
    ${canSupport(s.me, r) ? supportView() : ''}
    ${reporter || canHandle(s.me, r) ? commentForm(s) : ''}
    ${isStaff(s.me) && r.status !== 'closed' && r.status !== 'rejected' && r.status !== 'duplicate'
      ? reassignForm(s)
      : ''}`
}

function pageView(s: State): Safe {
  return html`<div class="container py-4 qc-narrow qc-report-page" data-id="${s.report.id}">
    <nav class="breadcrumb-container" aria-label="${t('breadcrumb')}">
      <ol class="breadcrumb">
        <li class="breadcrumb-item"><a href="/segnalazioni">${ft('reportsTitle')}</a><span class="separator" aria-hidden="true">/</span></li>
        <li class="breadcrumb-item active" aria-current="page">${s.report.title}</li>
      </ol>
    </nav>
    ${pageStatus('report-status')}
    <div class="qc-summary">${summaryView(s)}</div>
    <section class="qc-section" aria-labelledby="report-description">
      <h2 class="h4" id="report-description">${ft('descriptionHeading')}</h2>
      <div class="qc-description">${paragraphs(s.report.description)}</div>
    </section>
    ${s.attachments !== null || s.attachmentsError
      ? html`<section class="qc-section" aria-labelledby="report-attachments">
          <h2 class="h4" id="report-attachments">${ft('attachmentsHeading')}</h2>
          <div class="qc-attachment-list">${attachmentsView(s)}</div>
          ${canAttach(s)
            ? html`<form id="${UPLOAD}" class="qc-form qc-form-compact qc-upload" novalidate>
                ${statusRegion(UPLOAD)} ${filePicker(UPLOAD, ft('addAttachment'))}
                <button type="submit" class="btn btn-outline-primary">${ft('uploadSubmit')}</button>
              </form>`
            : ''}
        </section>`
      : ''}
    <section class="qc-section" aria-labelledby="report-updates">
      <h2 class="h4" id="report-updates">${ft('updatesHeading')}</h2>
      <div class="qc-updates-list">${updatesView(s)}</div>
    </section>
    <div class="qc-report-actions">${actionsView(s)}</div>
  </div>`
}

async function loadAttachments(
  reportId: number,
  signal?: AbortSignal,
): Promise<{ attachments: Attachment[] | null; error: string | null }> {
  try {
    return { attachments: await feedback.attachments(reportId, signal), error: null }
  } catch (err) {
    if (signal?.aborted) throw err
    // 404/405: this server does not keep attachments (yet): no section at all
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return { attachments: null, error: null }
    return { attachments: [], error: errorMessage(err) }
  }
}

export async function reportPage(ctx: PageContext): Promise<void> {
  const { main, signal, flash } = ctx
  const raw = ctx.params.report_id ?? ''
  const reportId = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN
  setTitle(ft('reportsTitle'))
  setHtml(main, loadingView())
  const notFound = (): void => {
    setTitle(ft('reportNotFoundTitle'))
    setHtml(
      main,
      messageView(
        ft('reportNotFoundTitle'),
        ft('reportNotFound'),
        'info',
        html`<p><a href="/segnalazioni">${ft('backToReports')}</a></p>`,
      ),
    )
  }
  let s: State
  try {
    const me = await requireUser(ctx)
    if (!me) return
    if (Number.isNaN(reportId)) {
      notFound()
      return
    }
    const [report, updates, files, categories, complexes, committees] = await Promise.all([
      feedback.report(reportId, signal),
      feedback.updates(reportId, signal),
      loadAttachments(reportId, signal),
      feedback.categories(),
      feedback.complexes(),
      isStaff(me) ? feedback.committees(signal).catch(() => [] as Committee[]) : Promise.resolve([] as Committee[]),
    ])
    s = {
      me,
      report,
      updates,
      attachments: files.attachments,
      attachmentsError: files.error,
      names: names(categories, complexes),
      committees: new Map(committees.map((c) => [c.id, c])),
    }
  } catch (err) {
    if (signal.aborted) throw err
    if (err instanceof ApiError && err.status === 404) notFound()
    else setHtml(main, errorView(ft('reportsTitle'), err))
    return
  }
  if (signal.aborted) return
  const state = s
  setTitle(state.report.title)
  setHtml(main, pageView(state))

  const $ = <T extends Element>(selector: string): T | null => main.querySelector<T>(selector)
  const say = (content: Safe): void => {
    const region = $<HTMLElement>('#report-status')
    if (region) setHtml(region, content)
  }
  if (flash) {
    say(alertBox(handover.kind, flash))
    handover.kind = 'success'
  }

  /** Fetch the report again and redraw what changed; typed text in the forms stays. */
  const refresh = async (announce: boolean): Promise<void> => {
    const [report, updates, files] = await Promise.all([
      feedback.report(reportId),
      feedback.updates(reportId),
      loadAttachments(reportId),
    ])
    if (signal.aborted) return
    const statusChanged = report.status !== state.report.status
    state.report = report
    state.updates = updates
    state.attachments = files.attachments
    state.attachmentsError = files.error
    const summary = $<HTMLElement>('.qc-summary')
    if (summary) setHtml(summary, summaryView(state))
    const attachments = $<HTMLElement>('.qc-attachment-list')
    if (attachments) setHtml(attachments, attachmentsView(state))
    const list = $<HTMLElement>('.qc-updates-list')
    if (list) setHtml(list, updatesView(state))
    if (statusChanged) renderActions()
    if (announce) say(alertBox('info', ft('reportRefreshed')))
  }

  const renderActions = (): void => {
    const region = $<HTMLElement>('.qc-report-actions')
    if (!region) return
    const typed = region.querySelector<HTMLTextAreaElement>(`#${COMMENT}-body`)?.value ?? ''
    setHtml(region, actionsView(state))
    const body = region.querySelector<HTMLTextAreaElement>(`#${COMMENT}-body`)
    if (body) body.value = typed
  }

  // a live notification about this report: show the news without a reload
  const stop = onLiveNotification((note) => {
    if (sitePath(note.link) !== `/segnalazioni/${reportId}`) return
    void refresh(true).catch(() => undefined)
  })
  signal.addEventListener('abort', stop)

  const actions = $<HTMLElement>('.qc-report-actions')
  actions?.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement
    event.preventDefault()
    if (form.id === COMMENT) submitComment(form)
    else if (form.id === OUTCOME) submitOutcome(form)
    else if (form.id === REASSIGN) submitReassign(form)
  })
  actions?.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('.qc-support-button')
    if (!button) return
    button.disabled = true
    feedback
      .support(reportId)
      .then(async () => {
        await refresh(false)
        say(alertBox('success', ft('supported')))
      })
      .catch((err: unknown) => {
        button.disabled = false
        say(alertBox('danger', errorMessage(err)))
      })
  })

  const submitComment = (form: HTMLFormElement): void => {
    const values = formValues(form)
    const body = (values.body ?? '').trim()
    const status = (values.status ?? '') as ReportStatus | ''
    const internal = form.querySelector<HTMLInputElement>(`#${COMMENT}-internal`)?.checked ?? false
    if (!body && !status) {
      showErrors(form, t('formHasErrors'), { body: [ft('emptyUpdate')] })
      return
    }
    if (internal && status) {
      showErrors(form, t('formHasErrors'), { status: [ft('internalWithStatus')] })
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        await feedback.addUpdate(reportId, {
          body,
          ...(status ? { status } : {}),
          ...(internal ? { internal: true } : {}),
        })
      } catch (err) {
        showApiError(form, err)
        return
      }
      form.reset()
      await refresh(false).catch(() => undefined)
      // the form may have been redrawn (the status changed): speak from the page's region
      say(alertBox('success', ft('updateSent')))
    })
  }

  const submitOutcome = (form: HTMLFormElement): void => {
    const values = formValues(form)
    if (!values.solved || !values.satisfaction) {
      showErrors(form, ft('outcomeMissing'), {})
      return
    }
    clearErrors(form)
    void busy(form, async () => {
      try {
        await feedback.outcome(reportId, { solved: values.solved === 'true', satisfaction: Number(values.satisfaction) })
      } catch (err) {
        showApiError(form, err)
        return
      }
      await refresh(false).catch(() => undefined)
      say(alertBox('success', ft('outcomeSaved')))
    })
  }

  const submitReassign = (form: HTMLFormElement): void => {
    const values = formValues(form)
    const routeTo = (values.route_to ?? 'staff') as RouteTo
    const committee = routeTo === 'committee' && values.committee_id ? Number(values.committee_id) : null
    clearErrors(form)
    void busy(form, async () => {
      try {
        await feedback.reassign(reportId, { route_to: routeTo, ...(committee ? { committee_id: committee } : {}) })
      } catch (err) {
        showApiError(form, err)
        return
      }
      await refresh(false).catch(() => undefined)
      say(alertBox('success', ft('reassigned')))
    })
  }

  // photos and documents added after sending
  const upload = $<HTMLFormElement>(`#${UPLOAD}`)
  if (upload) {
    const picker = wirePicker(upload, UPLOAD)
    upload.addEventListener('submit', (event) => {
      event.preventDefault()
      void busy(upload, async () => {
        await picker.settled()
        const files = picker.files()
        if (!files.length) {
          showErrors(upload, ft('noFileChosen'), {})
          return
        }
        clearErrors(upload)
        try {
          for (const file of files) await feedback.upload(reportId, file.blob, file.name)
        } catch (err) {
          showApiError(upload, err)
          return
        } finally {
          picker.clear()
        }
        await refresh(false).catch(() => undefined)
        const status = upload.querySelector('.qc-form-status')
        if (status) setHtml(status, alertBox('success', ft('attachmentAdded')))
      })
    })
  }
}
