/**
 * /moderazione — for moderators (operators, for the listings of their spaces; the housing
 * manager's staff, for all): the reports (flags) on listings and conversations, oldest
 * first, each to hide or to dismiss with a note. Anyone else is told, kindly, that the
 * page is not for them (the API answers 403).
 */

import { ApiError, type Page } from '../api'
import { busy, formValues, showApiError, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { errorView, messageView, pageStatus, requireUser, textareaField } from '../pages/scaffold'
import type { PageContext } from '../router'
import { market, type Flag } from './api'
import { mt, mtf } from './i18n'

const PAGE_SIZE = 20

function flagView(f: Flag): Safe {
  const formId = `resolve-${f.id}`
  const target = f.exchange_id
    ? html`<a href="/scambi/${f.exchange_id}">${mtf('flagOnExchange', { subject: f.subject })}</a>`
    : html`<a href="/scambi/annunci/${f.listing_id ?? ''}">${mtf('flagOnListing', { subject: f.subject })}</a>`
  return html`<li class="qc-flag-item" data-id="${f.id}">
    <h2 class="h5 qc-flag-target">${target}</h2>
    <p class="qc-flag-date">${mtf('flaggedOn', { date: formatDateTime(f.created_at) })}</p>
    <p class="qc-flag-reason"><strong>${mt('flagReasonShown')}</strong> <span class="qc-prewrap">${f.reason}</span></p>
    <form id="${formId}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(formId)}
      ${textareaField(formId, 'note', mt('resolveNoteLabel'), { help: mt('resolveNoteHelp'), rows: 2, maxlength: 1000 })}
      <div class="qc-actions">
        <button type="submit" class="btn btn-primary" name="action" value="hide">${mt('resolveHide')}</button>
        <button type="submit" class="btn btn-outline-primary" name="action" value="dismiss">${mt('resolveDismiss')}</button>
      </div>
    </form>
  </li>`
}

function pageView(): Safe {
  return html`<div class="container py-4 qc-narrow">
    <h1>${mt('moderationTitle')}</h1>
    <p class="qc-lead">${mt('moderationIntro')}</p>
    ${pageStatus('moderation-status')}
    <ul class="qc-flags list-unstyled"></ul>
    <p class="qc-empty" hidden>${mt('noFlags')}</p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${mt('loadMore')}</button>
  </div>`
}

export async function moderationPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(mt('moderationTitle'))
  setHtml(main, loadingView())
  let first: Page<Flag>
  try {
    const me = await requireUser(ctx)
    if (!me) return
    first = await market.flags({ limit: PAGE_SIZE }, signal)
  } catch (err) {
    if (signal.aborted) throw err
    if (err instanceof ApiError && err.status === 403) {
      setHtml(
        main,
        messageView(
          mt('moderationTitle'),
          mt('moderationForbidden'),
          html`<p><a href="/scambi">${mt('goToMarketplace')}</a></p>`,
        ),
      )
      return
    }
    setHtml(main, errorView(mt('moderationTitle'), err))
    return
  }
  if (signal.aborted) return

  setHtml(main, pageView())
  const list = main.querySelector<HTMLElement>('.qc-flags') as HTMLElement
  const empty = main.querySelector<HTMLElement>('.qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#moderation-status') as HTMLElement
  let cursor = first.next_cursor

  const show = (items: Flag[]): void => {
    const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
    list.insertAdjacentHTML('beforeend', items.filter((f) => !known.has(String(f.id))).map((f) => flagView(f).value).join(''))
    empty.hidden = list.children.length > 0
    more.hidden = cursor === null
  }
  show(first.items)

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    market
      .flags({ limit: PAGE_SIZE, cursor })
      .then((page) => {
        if (signal.aborted) return
        cursor = page.next_cursor
        show(page.items)
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })

  list.addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const item = form.closest<HTMLElement>('li[data-id]')
    if (!item) return
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null
    const action = submitter?.value === 'hide' ? 'hide' : 'dismiss'
    const note = (formValues(form).note ?? '').trim()
    void busy(form, async () => {
      try {
        await market.resolveFlag(Number(item.dataset.id), { action, note: note || null })
      } catch (err) {
        showApiError(form, err)
        return
      }
      const next = (item.nextElementSibling ?? item.previousElementSibling) as HTMLElement | null
      item.remove()
      empty.hidden = list.children.length > 0
      setHtml(status, alertBox('success', action === 'hide' ? mt('resolvedHidden') : mt('resolvedDismissed')))
      const target = next?.querySelector<HTMLElement>('a') ?? main.querySelector<HTMLElement>('h1')
      if (target && target.tagName === 'H1') target.tabIndex = -1
      target?.focus()
    })
  })
}
