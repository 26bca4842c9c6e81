/**
 * /scambi/<id> — one exchange between two neighbours: where it is, said in plain words;
 * who gives and who receives the help; the steps each may take now (`allowed_actions`:
 * accept, decline, cancel, complete — completing asks first, saying how many minutes
 * will move from whose account to whose); the private chat, newest message at the bottom,
 * new messages arriving live (Socket.IO `message`) without a reload; the reviews once it
 * is completed; "Segnala la conversazione".
 */

import type { Me, Page } from '../api'
import type { Message } from '../conversations/api'
import { chatView, MESSAGES_PAGE, wireChat } from '../conversations/chat'
import { busy, clearErrors, formValues, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification, onLiveReconnect } from '../notifications'
import { errorMessage, notFoundPage } from '../pages/common'
import { askToConfirm, breadcrumb, errorView, pageStatus, requireUser, textareaField } from '../pages/scaffold'
import type { PageContext } from '../router'
import { market, type Exchange, type ExchangeAction } from './api'
import { duration, flagDone, flagForm, otherParty, statusBadge } from './common'
import { mt, mtf, type MKey } from './i18n'

const REVIEW = 'review'
const FLAG = 'flag-chat'

type Step = Exclude<ExchangeAction, 'review'>
const STEPS: Step[] = ['accept', 'complete', 'decline', 'cancel']

/** "90 minuti (1 ora e 30 minuti)": the number the ledger will show, and in words. */
function minutesPhrase(minutes: number): string {
  const n = mtf('nMinutes', { n: minutes })
  return minutes >= 60 ? `${n} (${duration(minutes)})` : n
}

function explanation(x: Exchange, me: Me): string {
  const other = otherParty(x).display_name
  const d = duration(x.minutes)
  if (x.my_role === null) return mt(`exHelp_${x.status}` as MKey)
  switch (x.status) {
    case 'proposed':
      return x.proposer_id === me.id ? mtf('explainProposedByMe', { name: other }) : mtf('explainProposedToMe', { name: other })
    case 'accepted':
      return x.my_role === 'receiver'
        ? mtf('explainAcceptedReceiver', { name: other, d })
        : mtf('explainAcceptedProvider', { name: other, d })
    case 'completed':
      return x.my_role === 'receiver'
        ? mtf('explainCompletedReceiver', { name: other, d })
        : mtf('explainCompletedProvider', { name: other, d })
    case 'declined':
      return mt('explainDeclined')
    default:
      return mt('explainCancelled')
  }
}

function summaryView(x: Exchange, me: Me): Safe {
  const who = (p: { id: number; display_name: string }): string =>
    p.id === me.id ? mtf('youName', { name: p.display_name }) : p.display_name
  const fact = (label: string, value: Safe | string, cls: string): Safe =>
    html`<div><dt>${label}</dt><dd class="${cls}">${value}</dd></div>`
  return html`<p class="qc-badges">${statusBadge(x.status)}</p>
    <p class="qc-status-explained" tabindex="-1">${explanation(x, me)}</p>
    <dl class="qc-facts qc-exchange-facts">
      ${fact(mt('factProvider'), who(x.provider), 'qc-fact-provider')}
      ${fact(mt('factReceiver'), who(x.receiver), 'qc-fact-receiver')}
      ${fact(mt('factMinutes'), duration(x.minutes), 'qc-fact-minutes')}
      ${fact(mt('factListing'), html`<a href="/scambi/annunci/${x.listing.id}">${x.listing.title}</a>`, 'qc-fact-listing')}
      ${fact(mt('factProposedOn'), formatDateTime(x.created_at), 'qc-fact-date')}
    </dl>`
}

function actionsView(x: Exchange): Safe {
  const steps = STEPS.filter((s) => x.allowed_actions.includes(s))
  if (!steps.length) return html``
  return html`<div class="qc-actions qc-exchange-actions">
    ${steps.map(
      (s) =>
        html`<button type="button" class="btn ${s === 'accept' || s === 'complete' ? 'btn-primary' : 'btn-outline-primary'}" data-step="${s}">
          ${mt(`step_${s}` as MKey)}
        </button>`,
    )}
  </div>`
}

function stars(rating: number): Safe {
  return html`<span class="qc-stars" aria-hidden="true">${'★'.repeat(rating)}${'☆'.repeat(5 - rating)}</span>`
}

function reviewsView(x: Exchange, me: Me): Safe {
  if (!x.reviews.length) return html``
  return html`<ul class="qc-reviews list-unstyled">
    ${x.reviews.map(
      (r) => html`<li class="qc-review" data-author="${r.author.id}">
        <p class="qc-review-meta">
          <strong>${r.author.id === me.id ? mt('yourReview') : mtf('reviewBy', { name: r.author.display_name })}</strong>
          ${stars(r.rating)} <span class="qc-review-rating">${mtf('ratingOutOf', { n: r.rating })}</span>
        </p>
        ${r.comment ? html`<p class="qc-review-comment qc-prewrap">${r.comment}</p>` : ''}
      </li>`,
    )}
  </ul>`
}

function reviewForm(x: Exchange): Safe {
  const other = otherParty(x).display_name
  return html`<form id="${REVIEW}" class="qc-form qc-form-compact" novalidate>
    ${statusRegion(REVIEW)}
    <fieldset class="qc-choices qc-rating" data-field="rating">
      <legend>${mtf('ratingLegend', { name: other })}</legend>
      ${[5, 4, 3, 2, 1].map((n) => {
        const id = `${REVIEW}-rating-${n}`
        return html`<div class="form-check qc-choice">
          <input type="radio" id="${id}" name="rating" value="${n}" />
          <label for="${id}">${stars(n)} ${mt(`rating${n}` as MKey)}</label>
        </div>`
      })}
    </fieldset>
    ${textareaField(REVIEW, 'comment', mt('reviewCommentLabel'), { help: mt('reviewCommentHelp'), rows: 3, maxlength: 1000 })}
    <button type="submit" class="btn btn-primary">${mt('reviewSubmit')}</button>
  </form>`
}

function pageView(x: Exchange, me: Me): Safe {
  const party = x.my_role !== null
  return html`<div class="container py-4 qc-narrow">
    ${breadcrumb([
      { href: '/scambi', label: mt('marketTitle') },
      { href: '/scambi/miei', label: mt('myExchangesTitle') },
      { label: mtf('exchangeCrumb', { id: x.id }) },
    ])}
    ${pageStatus('exchange-status')}
    <h1 class="qc-exchange-heading">${x.listing.title}</h1>
    <div class="qc-exchange-summary" aria-live="polite">${summaryView(x, me)}</div>
    <section class="qc-exchange-steps" aria-label="${mt('stepsLabel')}">
      <div class="qc-steps-buttons">${actionsView(x)}</div>
      <div class="qc-confirm-slot" id="step-confirm" hidden></div>
    </section>
    ${chatView({
      help: party ? mt('chatHelp') : undefined,
      notice: x.conversation_hidden ? alertBox('info', mt('chatHiddenExplained')) : '',
      canWrite: party && !x.conversation_hidden,
      messageHelp: mt('messageHelp'),
    })}
    <section class="qc-panel qc-reviews-panel" aria-labelledby="reviews-heading" ${x.status === 'completed' ? '' : 'hidden'}>
      <h2 class="h4" id="reviews-heading">${mt('reviewsHeading')}</h2>
      <div class="qc-reviews-list">${reviewsView(x, me)}</div>
      <div class="qc-review-form"></div>
    </section>
    ${party ? flagForm(FLAG, mt('flagChatSummary'), mt('flagChatHelp')) : ''}
  </div>`
}

export async function exchangePage(ctx: PageContext): Promise<void> {
  const { main, signal, params } = ctx
  if (!/^\d{1,9}$/.test(params.exchange_id ?? '')) {
    notFoundPage(ctx)
    return
  }
  const exchangeId = Number(params.exchange_id)
  const link = `/scambi/${exchangeId}`
  const conversation = market.conversation(exchangeId)
  setTitle(mt('exchangeTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let x: Exchange
  let firstMessages: Page<Message>
  try {
    me = await requireUser(ctx)
    if (!me) return
    const [exchange, page] = await Promise.all([
      market.exchange(exchangeId, signal),
      conversation.messages({ limit: MESSAGES_PAGE }, signal),
    ])
    x = exchange
    firstMessages = page
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(mt('exchangeTitle'), err))
    return
  }
  if (signal.aborted) return
  const user = me
  setTitle(x.listing.title)
  setHtml(main, pageView(x, user))

  const status = main.querySelector<HTMLElement>('#exchange-status') as HTMLElement
  if (ctx.flash) setHtml(status, alertBox('success', ctx.flash))
  const summary = main.querySelector<HTMLElement>('.qc-exchange-summary') as HTMLElement
  const stepButtons = main.querySelector<HTMLElement>('.qc-steps-buttons') as HTMLElement
  const confirmSlot = main.querySelector<HTMLElement>('#step-confirm') as HTMLElement
  const reviewsPanel = main.querySelector<HTMLElement>('.qc-reviews-panel') as HTMLElement
  const reviewsList = main.querySelector<HTMLElement>('.qc-reviews-list') as HTMLElement
  const reviewSlot = main.querySelector<HTMLElement>('.qc-review-form') as HTMLElement

  // --- the exchange: summary, steps, reviews --------------------------------------------

  const showExchange = (next: Exchange, initial = false): void => {
    const changed = initial || next.status !== x.status || next.allowed_actions.join() !== x.allowed_actions.join()
    x = next
    if (!initial) setHtml(summary, summaryView(x, user))
    if (changed) {
      const hadFocus = stepButtons.contains(document.activeElement)
      setHtml(stepButtons, actionsView(x))
      if (hadFocus) summary.querySelector<HTMLElement>('.qc-status-explained')?.focus()
    }
    reviewsPanel.hidden = x.status !== 'completed'
    setHtml(reviewsList, reviewsView(x, user))
    const canReview = x.allowed_actions.includes('review')
    if (canReview && !reviewSlot.querySelector('form')) {
      setHtml(reviewSlot, reviewForm(x))
      wireReview()
    } else if (!canReview && reviewSlot.querySelector('form')) {
      setHtml(reviewSlot, html``)
    }
  }

  const refreshExchange = async (): Promise<void> => {
    const next = await market.exchange(exchangeId)
    if (!signal.aborted) showExchange(next)
  }

  const doStep = async (step: Step): Promise<void> => {
    try {
      const next = await market.act(exchangeId, step)
      if (signal.aborted) return
      showExchange(next)
      setHtml(status, alertBox('success', mt(`stepDone_${step}` as MKey)))
    } catch (err) {
      setHtml(status, alertBox('danger', errorMessage(err)))
      void refreshExchange().catch(() => undefined)
    }
    status.scrollIntoView({ block: 'nearest' })
  }

  stepButtons.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-step]')
    if (!button) return
    const step = button.dataset.step as Step
    const other = otherParty(x).display_name
    if (step === 'accept') {
      button.disabled = true
      void doStep(step)
      return
    }
    const question =
      step === 'complete'
        ? mtf('completeConfirm', { minutes: minutesPhrase(x.minutes), name: other })
        : step === 'decline'
          ? mtf('declineConfirm', { name: other })
          : mt('cancelConfirm')
    askToConfirm(confirmSlot, question, mt(`confirmYes_${step}` as MKey), () => doStep(step), button)
  })

  // --- the chat ---------------------------------------------------------------------------

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
    if (note.link === link && note.kind.startsWith('marketplace.')) void refreshExchange().catch(() => undefined)
  })
  // back after a lost connection: what was done meanwhile (the chat asks for its own)
  const stopReconnect = onLiveReconnect(() => void refreshExchange().catch(() => undefined))
  signal.addEventListener('abort', () => {
    stopNotes()
    stopReconnect()
  })

  // --- review -----------------------------------------------------------------------------

  function wireReview(): void {
    const form = reviewSlot.querySelector<HTMLFormElement>(`#${REVIEW}`)
    form?.addEventListener('submit', (event) => {
      event.preventDefault()
      const v = formValues(form)
      const rating = Number(v.rating ?? 0)
      if (!(rating >= 1 && rating <= 5)) {
        const first = form.querySelector<HTMLInputElement>('input[name="rating"]')
        showErrors(form, mt('ratingRequired'), {})
        first?.focus()
        return
      }
      clearErrors(form)
      void busy(form, async () => {
        try {
          await market.review(exchangeId, { rating, comment: (v.comment ?? '').trim() })
        } catch (err) {
          showApiError(form, err)
          return
        }
        setHtml(status, alertBox('success', mt('reviewSent')))
        try {
          await refreshExchange()
        } catch {
          setHtml(reviewSlot, html``)
        }
        reviewsList.setAttribute('tabindex', '-1')
        reviewsList.focus()
      })
    })
  }
  showExchange(x, true)

  // --- flag the conversation ------------------------------------------------------------

  const flag = main.querySelector<HTMLFormElement>(`#${FLAG}`)
  flag?.addEventListener('submit', (event) => {
    event.preventDefault()
    const reason = (formValues(flag).reason ?? '').trim()
    if (reason.length < 3) {
      showErrors(flag, t('formHasErrors'), { reason: [mt('flagReasonShort')] })
      return
    }
    clearErrors(flag)
    void busy(flag, async () => {
      try {
        await market.flagExchange(exchangeId, reason)
      } catch (err) {
        showApiError(flag, err)
        return
      }
      flagDone(flag, mt('flagSent'))
    })
  })
}
