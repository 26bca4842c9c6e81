/**
 * /banca-del-tempo — my time-bank account: the balance in words ("Hai 2 ore e 30 minuti"),
 * how much I can still give before the limit, my account number (so that others can give
 * me hours), a form to give hours to an account number, and my history, newest first.
 *
 * Giving hours sends an Idempotency-Key: the same key is reused while the form asks to
 * pay the same thing (a double tap, a retry after a network error), so it never pays twice.
 */

import type { Page } from '../api'
import { ApiError } from '../api'
import { busy, clearErrors, formValues, inputField, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification } from '../notifications'
import { errorMessage } from '../pages/common'
import { askToConfirm, errorView, pageStatus, requireUser, sitePath } from '../pages/scaffold'
import { hasRole } from '../roles'
import type { PageContext } from '../router'
import { timebank, type Account, type Entry } from './api'
import { durationErrors, durationField, durationValue, duration } from './common'
import { mt, mtf } from './i18n'

const FORM = 'give'
const PAGE_SIZE = 20

/** The limit in words; a zero floor says why and, before tenancy, where to ask for it. */
function floorView(account: Account, tenant: boolean): Safe {
  if (account.floor_minutes < 0) {
    return html`<p class="qc-balance-floor">${mtf('floorText', { d: duration(account.floor_minutes) })}</p>`
  }
  if (tenant || account.owner_type !== 'user') return html`<p class="qc-balance-floor">${mt('floorZero')}</p>`
  return html`<p class="qc-balance-floor">
    ${mt('floorZeroUntilTenant')} <a href="/profilo/inquilino">${mt('askTenancy')}</a>
  </p>`
}

function balanceView(account: Account, tenant: boolean): Safe {
  const b = account.balance_minutes
  const sentence =
    b > 0 ? mtf('balancePositive', { d: duration(b) }) : b === 0 ? mt('balanceZero') : mtf('balanceNegative', { d: duration(b) })
  return html`<p class="qc-balance-sentence" data-balance="${b}">${sentence}</p>
    ${b < 0 ? html`<p class="qc-balance-note">${mt('balanceNegativeNote')}</p>` : ''}
    <p class="qc-balance-available" data-available="${account.available_minutes}">
      ${account.available_minutes > 0
        ? mtf('availableText', { d: duration(account.available_minutes) })
        : mt('availableNone')}
    </p>
    ${floorView(account, tenant)}`
}

function entryView(entry: Entry): Safe {
  const given = entry.minutes < 0
  const text = given
    ? mtf('entryGiven', { d: duration(entry.minutes), name: entry.counterparty.name })
    : mtf('entryReceived', { d: duration(entry.minutes), name: entry.counterparty.name })
  const exchange = /^Scambio n\. (\d+):/.exec(entry.memo)?.[1]
  const link = exchange ? sitePath(`/scambi/${exchange}`) : null
  return html`<li class="qc-entry ${given ? 'is-out' : 'is-in'}" data-id="${entry.id}" data-minutes="${entry.minutes}">
    <p class="qc-entry-amount">
      <span aria-hidden="true" class="qc-entry-sign">${given ? '−' : '+'}</span>
      <span>${text}</span>
    </p>
    ${entry.memo
      ? html`<p class="qc-entry-memo">${link ? html`<a href="${link}">${entry.memo}</a>` : entry.memo}</p>`
      : ''}
    <p class="qc-entry-date"><time datetime="${entry.created_at}">${formatDateTime(entry.created_at)}</time></p>
  </li>`
}

function pageView(account: Account, tenant: boolean): Safe {
  return html`<div class="container py-4 qc-narrow">
    <h1>${mt('timebankTitle')}</h1>
    <p class="qc-lead">${mt('timebankIntro')}</p>
    <section class="qc-panel qc-balance" aria-labelledby="balance-heading">
      <h2 class="h4" id="balance-heading">${mt('balanceHeading')}</h2>
      <div class="qc-balance-body" aria-live="polite">${balanceView(account, tenant)}</div>
    </section>
    <section class="qc-panel qc-account-number" aria-labelledby="account-heading">
      <h2 class="h4" id="account-heading">${mt('accountNumberHeading')}</h2>
      <p class="qc-account-id">${mt('accountNumberLabel')} <strong data-account="${account.id}">${account.id}</strong></p>
      <p>${mt('accountNumberHelp')}</p>
    </section>
    <p class="qc-actions">
      <a class="btn btn-primary" href="/scambi">${mt('goToMarketplace')}</a>
      <a class="btn btn-outline-primary" href="/scambi/miei">${mt('myExchangesTitle')}</a>
    </p>
    <section class="qc-panel qc-give" aria-labelledby="${FORM}-heading">
      <h2 class="h4" id="${FORM}-heading">${mt('giveHeading')}</h2>
      <p>${mt('giveIntro')}</p>
      <form id="${FORM}" class="qc-form qc-form-compact" novalidate>
        ${statusRegion(FORM)}
        ${inputField(FORM, {
          name: 'to_account_id',
          label: mt('giveAccountLabel'),
          help: mt('giveAccountHelp'),
          inputmode: 'numeric',
          autocomplete: 'off',
          required: true,
        })}
        ${durationField(FORM, mt('giveDurationLegend'), 60)}
        ${inputField(FORM, { name: 'memo', label: mt('giveMemoLabel'), help: mt('giveMemoHelp'), maxlength: 200 })}
        <div class="qc-confirm-slot" id="${FORM}-confirm" hidden></div>
        <button type="submit" class="btn btn-primary qc-submit">${mt('giveSubmit')}</button>
      </form>
    </section>
    <section class="qc-history" aria-labelledby="history-heading">
      <h2 class="h4" id="history-heading">${mt('historyHeading')}</h2>
      ${pageStatus('history-status')}
      <ol class="qc-entries list-unstyled"></ol>
      <p class="qc-empty" hidden>${mt('historyEmpty')}</p>
      <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${mt('loadMore')}</button>
    </section>
  </div>`
}

function newKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  // older browsers (and plain-http origins other than localhost) lack randomUUID
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export async function timebankPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(mt('timebankTitle'))
  setHtml(main, loadingView())
  let account: Account
  let first: Page<Entry>
  let tenant = false
  try {
    const me = await requireUser(ctx)
    if (!me) return
    tenant = hasRole(me, 'tenant')
    account = await timebank.myAccount(signal)
    first = await timebank.entries(account.id, { limit: PAGE_SIZE }, signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(mt('timebankTitle'), err))
    return
  }
  if (signal.aborted) return

  setHtml(main, pageView(account, tenant))
  const accountId = account.id
  const balance = main.querySelector<HTMLElement>('.qc-balance-body') as HTMLElement
  const list = main.querySelector<HTMLElement>('.qc-entries') as HTMLElement
  const empty = main.querySelector<HTMLElement>('.qc-history .qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const historyStatus = main.querySelector<HTMLElement>('#history-status') as HTMLElement
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement
  const confirmSlot = main.querySelector<HTMLElement>(`#${FORM}-confirm`) as HTMLElement
  let cursor = first.next_cursor

  const show = (items: Entry[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items.map((e) => entryView(e).value).join('')
    if (replace) list.innerHTML = markup
    else list.insertAdjacentHTML('beforeend', markup)
    empty.hidden = list.children.length > 0
    more.hidden = cursor === null
    return (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null
  }
  show(first.items, true)

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    timebank
      .entries(accountId, { limit: PAGE_SIZE, cursor })
      .then((page) => {
        if (signal.aborted) return
        const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
        cursor = page.next_cursor
        const firstNew = show(page.items.filter((e) => !known.has(String(e.id))), false)
        if (firstNew) {
          firstNew.tabIndex = -1
          firstNew.focus()
        }
      })
      .catch((err: unknown) => setHtml(historyStatus, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })

  /** Balance and the first page of the history again (after giving, or hours arriving). */
  const refresh = async (): Promise<void> => {
    const [fresh, page] = await Promise.all([
      timebank.myAccount(),
      timebank.entries(accountId, { limit: Math.max(PAGE_SIZE, Math.min(100, list.children.length)) }),
    ])
    if (signal.aborted) return
    setHtml(balance, balanceView(fresh, tenant))
    cursor = page.next_cursor
    show(page.items, true)
  }

  // one key per payment: kept while the same payment is asked again, new after it is done
  let pending: { key: string; body: string } | null = null

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    const wrong: Record<string, string[]> = {}
    const to = (values.to_account_id ?? '').trim()
    const minutes = durationValue(values)
    if (!to) wrong.to_account_id = [t('required')]
    else if (!/^\d{1,9}$/.test(to) || Number(to) < 1) wrong.to_account_id = [mt('invalidAccount')]
    else if (Number(to) === accountId) wrong.to_account_id = [mt('ownAccount')]
    if (minutes < 1) wrong.hours = [mt('durationZero')]
    else if (minutes > 1440) wrong.hours = [mt('durationTooLong')]
    if (Object.keys(wrong).length) {
      showErrors(form, t('formHasErrors'), wrong)
      return
    }
    clearErrors(form)
    const payload = { to_account_id: Number(to), minutes, memo: (values.memo ?? '').trim() }
    const body = JSON.stringify(payload)
    if (!pending || pending.body !== body) pending = { key: newKey(), body }
    const key = pending.key
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')
    askToConfirm(
      confirmSlot,
      mtf('giveConfirm', { d: duration(minutes), account: payload.to_account_id }),
      mt('giveConfirmYes'),
      () =>
        busy(form, async () => {
          try {
            await timebank.transfer(payload, key)
          } catch (err) {
            // a 409 "not enough hours" will not change by retrying the same key
            if (err instanceof ApiError && err.status !== 0) pending = null
            showApiError(form, err instanceof ApiError ? new ApiError(err.status, err.message, durationErrors(err.fields)) : err)
            return
          }
          pending = null
          form.reset()
          const status = form.querySelector('.qc-form-status')
          if (status) {
            setHtml(
              status,
              alertBox('success', mtf('giveDone', { d: duration(minutes), account: payload.to_account_id })),
            )
          }
          await refresh().catch(() => undefined)
        }),
      submit,
    )
  })

  // hours arriving from an exchange: the balance and history follow
  const stop = onLiveNotification((note) => {
    if (!note.kind.startsWith('marketplace.') && !note.kind.startsWith('timebank.')) return
    void refresh().catch(() => undefined)
  })
  signal.addEventListener('abort', stop)
}
