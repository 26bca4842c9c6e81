/**
 * /servizi/richieste/<id> — one request for a service (notification links lead here): its
 * status said in plain words, the proposed time, the steps the viewer may take now
 * (`allowed_actions`: accept with an optional time and a note, decline with a reason,
 * cancel, complete — completing asks first and, for a time-bank service, says how many
 * minutes will move from whose account to whose), and the private conversation with the
 * organisation's operators: newest message at the bottom, new ones arriving live
 * (Socket.IO `message`), changes of status too (Socket.IO `notification`).
 */

import { ApiError, type Me, type Page, type Schemas } from '../api'
import type { Message } from '../conversations/api'
import { chatView, MESSAGES_PAGE, wireChat } from '../conversations/chat'
import { busy, clearErrors, formValues, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification, onLiveReconnect } from '../notifications'
import { errorMessage } from '../pages/common'
import { askToConfirm, breadcrumb, errorView, messageView, pageStatus, requireUser, textareaField } from '../pages/scaffold'
import type { PageContext } from '../router'
import { catalogue, type RequestAction, type ServiceRequest } from './api'
import { duration, formatRome, priceWords, romeLocalToIso, statusBadge } from './common'
import { ct, ctf, type CKey } from './i18n'

const ACCEPT = 'accept'
const DECLINE = 'decline'
const STEPS: RequestAction[] = ['accept', 'complete', 'decline', 'cancel']

function isRequester(r: ServiceRequest, me: Me): boolean {
  return r.requester.id === me.id
}

function explanation(r: ServiceRequest, me: Me): string {
  const mine = isRequester(r, me)
  const values = { org: r.service.organisation.name, name: r.requester.display_name }
  switch (r.status) {
    case 'pending':
      return ctf(mine ? 'explainPendingMine' : 'explainPendingProvider', values)
    case 'accepted':
      return ctf(mine ? 'explainAcceptedMine' : 'explainAcceptedProvider', values)
    case 'declined':
      return ctf(mine ? 'explainDeclinedMine' : 'explainDeclinedProvider', values)
    case 'completed':
      return ct('explainCompleted')
    default:
      return ct('explainCancelled')
  }
}

function fact(label: string, value: Safe | string, cls: string): Safe {
  return html`<div><dt>${label}</dt><dd class="${cls}">${value}</dd></div>`
}

function summaryView(r: ServiceRequest, me: Me): Safe {
  const mine = isRequester(r, me)
  const paid =
    r.status === 'completed' && r.price_model === 'timebank' && r.minutes
      ? ctf(mine ? 'paidMine' : 'paidProvider', {
          d: duration(r.minutes),
          org: r.service.organisation.name,
          name: r.requester.display_name,
        })
      : ''
  const showTime = r.status === 'accepted' || r.status === 'completed'
  return html`<p class="qc-badges">${statusBadge(r.status)}</p>
    <p class="qc-status-explained" tabindex="-1">${explanation(r, me)}</p>
    ${paid ? html`<p class="qc-paid">${paid}</p>` : ''}
    <dl class="qc-facts qc-request-facts">
      ${fact(ct('factService'), html`<a href="/servizi/${r.service.id}">${r.service.title}</a>`, 'qc-fact-service')}
      ${fact(ct('factWho'), html`<a href="/organizzazioni/${r.service.organisation.slug}">${r.service.organisation.name}</a>`, 'qc-fact-org')}
      ${fact(ct('factRequester'), mine ? ct('you') : r.requester.display_name, 'qc-fact-requester')}
      ${fact(ct('factPrice2'), priceWords(r), 'qc-fact-price')}
      ${fact(ct('factAsked'), formatDateTime(r.created_at), 'qc-fact-date')}
      ${showTime
        ? fact(ct('factProposed'), r.proposed_time ? formatRome(r.proposed_time) : ct('noProposedTime'), 'qc-fact-proposed')
        : ''}
      ${r.provider_note ? fact(ct('factNote'), html`<span class="qc-prewrap">${r.provider_note}</span>`, 'qc-fact-note') : ''}
      ${r.decline_reason ? fact(ct('factReason'), html`<span class="qc-prewrap">${r.decline_reason}</span>`, 'qc-fact-reason') : ''}
      ${fact(ct('factMessage'), html`<span class="qc-prewrap">${r.message}</span>`, 'qc-fact-message')}
      ${r.preferred_times ? fact(ct('factPreferred'), html`<span class="qc-prewrap">${r.preferred_times}</span>`, 'qc-fact-preferred') : ''}
    </dl>`
}

function actionsView(r: ServiceRequest): Safe {
  const steps = STEPS.filter((s) => r.allowed_actions.includes(s))
  if (!steps.length) return html``
  return html`<div class="qc-actions qc-request-actions">
    ${steps.map(
      (s) =>
        html`<button type="button" class="btn ${s === 'accept' || s === 'complete' ? 'btn-primary' : 'btn-outline-primary'}" data-step="${s}">
          ${ct(`action_${s}` as CKey)}
        </button>`,
    )}
  </div>`
}

function acceptForm(): Safe {
  return html`<form id="${ACCEPT}" class="qc-form qc-form-compact qc-step-form" novalidate aria-labelledby="${ACCEPT}-legend">
    <h3 class="h5" id="${ACCEPT}-legend">${ct('acceptLegend')}</h3>
    ${statusRegion(ACCEPT)}
    <div class="form-group qc-field" data-field="proposed_time">
      <label for="${ACCEPT}-proposed_time" class="active">${ct('proposedTimeLabel')}</label>
      <input type="datetime-local" class="form-control" id="${ACCEPT}-proposed_time" name="proposed_time" aria-describedby="${ACCEPT}-proposed_time-help" />
      <small class="form-text" id="${ACCEPT}-proposed_time-help">${ct('proposedTimeHelp')}</small>
    </div>
    ${textareaField(ACCEPT, 'note', ct('noteLabel'), { help: ct('noteHelp'), rows: 2, maxlength: 500 })}
    <div class="qc-actions">
      <button type="submit" class="btn btn-primary">${ct('acceptSubmit')}</button>
      <button type="button" class="btn btn-outline-primary" data-close>${ct('cancelForm')}</button>
    </div>
  </form>`
}

function declineForm(): Safe {
  return html`<form id="${DECLINE}" class="qc-form qc-form-compact qc-step-form" novalidate aria-labelledby="${DECLINE}-legend">
    <h3 class="h5" id="${DECLINE}-legend">${ct('declineLegend')}</h3>
    ${statusRegion(DECLINE)}
    ${textareaField(DECLINE, 'reason', ct('reasonLabel'), { help: ct('reasonHelp'), rows: 3, maxlength: 500, required: true })}
    <div class="qc-actions">
      <button type="submit" class="btn btn-primary">${ct('declineSubmit')}</button>
      <button type="button" class="btn btn-outline-primary" data-close>${ct('cancelForm')}</button>
    </div>
  </form>`
}

function pageView(r: ServiceRequest, me: Me): Safe {
  const mine = isRequester(r, me)
  return html`<div class="container py-4 qc-narrow qc-request-page" data-id="${r.id}">
    ${breadcrumb([
      { href: '/servizi', label: ct('browseTitle') },
      mine ? { href: '/servizi/richieste', label: ct('requestsTitle') } : { href: '/gestione/servizi', label: ct('consoleTitle') },
      { label: ctf('requestCrumb', { id: r.id }) },
    ])}
    ${pageStatus('request-status')}
    <h1 class="qc-request-heading">${r.service.title}</h1>
    <div class="qc-request-summary" aria-live="polite">${summaryView(r, me)}</div>
    <section class="qc-request-steps" aria-label="${ct('stepsLabel')}">
      <div class="qc-steps-buttons">${actionsView(r)}</div>
      <div class="qc-step-slot" id="step-slot" hidden></div>
    </section>
    ${chatView({ help: ct('chatHelp'), canWrite: true })}
  </div>`
}

export async function requestPage(ctx: PageContext): Promise<void> {
  const { main, signal, params } = ctx
  setTitle(ct('requestTitle'))
  if (!/^\d{1,9}$/.test(params.request_id ?? '')) {
    setHtml(main, messageView(ct('requestTitle'), ct('requestTitle')))
    return
  }
  const requestId = Number(params.request_id)
  const link = `/servizi/richieste/${requestId}`
  const conversation = catalogue.conversation(requestId)
  setHtml(main, loadingView())
  let me: Me | null
  let r: ServiceRequest
  let firstMessages: Page<Message>
  try {
    me = await requireUser(ctx)
    if (!me) return
    const [request, page] = await Promise.all([
      catalogue.request(requestId, signal),
      conversation.messages({ limit: MESSAGES_PAGE }, signal),
    ])
    r = request
    firstMessages = page
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ct('requestTitle'), err, html`<p><a href="/servizi/richieste">${ct('requestsTitle')}</a></p>`))
    return
  }
  if (signal.aborted) return
  const user = me
  setTitle(r.service.title)
  setHtml(main, pageView(r, user))

  const status = main.querySelector<HTMLElement>('#request-status') as HTMLElement
  if (ctx.flash) setHtml(status, alertBox('success', ctx.flash))
  const summary = main.querySelector<HTMLElement>('.qc-request-summary') as HTMLElement
  const stepButtons = main.querySelector<HTMLElement>('.qc-steps-buttons') as HTMLElement
  const slot = main.querySelector<HTMLElement>('#step-slot') as HTMLElement

  // --- the request: summary and steps --------------------------------------------------

  const closeSlot = (): void => {
    slot.hidden = true
    slot.innerHTML = ''
    slot.onclick = null
  }

  const showRequest = (next: ServiceRequest): void => {
    const changed = next.status !== r.status || next.allowed_actions.join() !== r.allowed_actions.join()
    r = next
    setHtml(summary, summaryView(r, user))
    if (changed) {
      const hadFocus = stepButtons.contains(document.activeElement) || slot.contains(document.activeElement)
      closeSlot()
      setHtml(stepButtons, actionsView(r))
      if (hadFocus) summary.querySelector<HTMLElement>('.qc-status-explained')?.focus()
    }
  }

  const refreshRequest = async (): Promise<void> => {
    const next = await catalogue.request(requestId)
    if (!signal.aborted) showRequest(next)
  }

  /** Take a step; `form` shows a refusal next to its fields (and keeps what was typed). */
  const doStep = async (step: RequestAction, body?: Schemas['Accept'] | Schemas['Decline'], form?: HTMLFormElement): Promise<void> => {
    try {
      const next = await catalogue.act(requestId, step, body)
      if (signal.aborted) return
      closeSlot()
      showRequest(next)
      setHtml(status, alertBox('success', ct(`done_${step}` as CKey)))
      summary.querySelector<HTMLElement>('.qc-status-explained')?.focus()
    } catch (err) {
      if (form && form.isConnected && err instanceof ApiError && err.status === 422) {
        showApiError(form, err)
        return
      }
      setHtml(status, alertBox('danger', errorMessage(err)))
      status.scrollIntoView({ block: 'nearest' })
      void refreshRequest().catch(() => undefined)
    }
  }

  const openForm = (markup: Safe, onSubmit: (form: HTMLFormElement) => void, returnFocus: HTMLElement): void => {
    slot.hidden = false
    setHtml(slot, markup)
    const form = slot.querySelector<HTMLFormElement>('form') as HTMLFormElement
    form.querySelector<HTMLElement>('input, textarea')?.focus()
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      onSubmit(form)
    })
    slot.onclick = (event) => {
      if (!(event.target as Element | null)?.closest('[data-close]')) return
      closeSlot()
      returnFocus.focus()
    }
  }

  const submitAccept = (form: HTMLFormElement): void => {
    const v = formValues(form)
    const when = (v.proposed_time ?? '').trim()
    let proposed: string | null = null
    if (when) {
      proposed = romeLocalToIso(when)
      if (proposed === null) {
        showErrors(form, t('formHasErrors'), { proposed_time: [ct('timeInvalid')] })
        return
      }
      if (new Date(proposed).getTime() <= Date.now()) {
        showErrors(form, t('formHasErrors'), { proposed_time: [ct('timeInPast')] })
        return
      }
    }
    clearErrors(form)
    void busy(form, () => doStep('accept', { proposed_time: proposed, note: (v.note ?? '').trim() }, form))
  }

  const submitDecline = (form: HTMLFormElement): void => {
    const reason = (formValues(form).reason ?? '').trim()
    if (reason.length < 3) {
      showErrors(form, t('formHasErrors'), { reason: [ct('reasonTooShort')] })
      return
    }
    clearErrors(form)
    void busy(form, () => doStep('decline', { reason }, form))
  }

  stepButtons.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-step]')
    if (!button) return
    const step = button.dataset.step as RequestAction
    slot.onclick = null
    if (step === 'accept') {
      openForm(acceptForm(), submitAccept, button)
    } else if (step === 'decline') {
      openForm(declineForm(), submitDecline, button)
    } else if (step === 'cancel') {
      askToConfirm(slot, ct('cancelConfirm'), ct('cancelYes'), () => doStep('cancel'), button)
    } else {
      const question =
        r.price_model === 'timebank' && r.minutes
          ? ctf('completeConfirmTimebank', { d: duration(r.minutes), org: r.service.organisation.name })
          : ct('completeConfirm')
      askToConfirm(slot, question, ct('completeYes'), () => doStep('complete'), button)
    }
  })

  // --- the conversation --------------------------------------------------------------------

  const chat = main.querySelector<HTMLElement>('.qc-chat') as HTMLElement
  wireChat(
    chat,
    user,
    { link, ...conversation },
    firstMessages,
    status,
    signal,
  )

  const stopNotes = onLiveNotification((note) => {
    if (note.link !== link || note.kind !== 'catalogue.request') return
    refreshRequest()
      .then(() => {
        if (!signal.aborted) setHtml(status, alertBox('info', ct('requestUpdated')))
      })
      .catch(() => undefined)
  })
  // back after a lost connection: what was done meanwhile (the chat asks for its own)
  const stopReconnect = onLiveReconnect(() => void refreshRequest().catch(() => undefined))
  signal.addEventListener('abort', () => {
    stopNotes()
    stopReconnect()
  })
}
