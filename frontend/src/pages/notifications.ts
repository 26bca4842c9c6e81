import { api, type LiveNotification, type Notification } from '../api'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, plural, t } from '../i18n'
import { icon } from '../icons'
import { alertBox } from '../layout'
import {
  markAllRead,
  markRead,
  onLiveNotification,
  onUnreadChange,
  openNotification,
  safeLink,
  setUnread,
} from '../notifications'
import type { PageContext } from '../router'
import { errorMessage, loadForSignedIn } from './common'

const PAGE_SIZE = 20

function itemView(n: Notification): Safe {
  const unread = n.read_at === null
  const link = safeLink(n.link)
  const titleId = `notification-${n.id}-title`
  return html`<li
    class="qc-notification${unread ? ' is-unread' : ''}"
    data-id="${n.id}"
    data-kind="${n.kind}"
    data-unread="${unread ? 'true' : 'false'}"
  >
    <div class="qc-notification-meta">
      ${unread ? html`<span class="badge bg-primary qc-unread-badge">${t('unread')}</span>` : ''}
      <time datetime="${n.created_at}">${formatDateTime(n.created_at)}</time>
    </div>
    <h2 class="qc-notification-title" id="${titleId}">
      ${link
        ? html`<a class="qc-notification-link" href="${link}">${n.title}</a>`
        : html`<span tabindex="-1">${n.title}</span>`}
    </h2>
    ${n.body ? html`<p class="qc-notification-body">${n.body}</p>` : ''}
    ${unread
      ? html`<button type="button" class="btn btn-outline-primary btn-xs qc-mark-read">
          ${icon('it-check-circle', 'icon-primary icon-xs')}<span
            >${t('markRead')}<span class="visually-hidden">: ${n.title}</span></span
          >
        </button>`
      : ''}
  </li>`
}

function pageView(): Safe {
  return html`<div class="container py-4 qc-narrow">
    <h1>${t('notificationsTitle')}</h1>
    <p>${t('notificationsIntro')}</p>
    <div class="qc-notifications-toolbar">
      <p class="qc-unread-summary mb-0"></p>
      <div class="qc-notifications-actions">
        <button type="button" class="btn btn-primary btn-sm qc-read-all">${t('markAllRead')}</button>
        <a class="btn btn-outline-primary btn-sm qc-prefs-link" href="/notifiche/preferenze">
          ${icon('it-settings', 'icon-primary icon-sm')}<span>${t('preferencesLink')}</span>
        </a>
      </div>
    </div>
    <div class="qc-notifications-status" aria-live="polite" aria-atomic="true"></div>
    <ul class="qc-notifications list-unstyled"></ul>
    <p class="qc-notifications-empty" hidden>${t('noNotifications')}</p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${t('loadMore')}</button>
  </div>`
}

export async function notificationsPage(context: PageContext): Promise<void> {
  const { main, signal } = context
  const first = await loadForSignedIn(context, 'notificationsTitle', (signal) =>
    api.notifications({ limit: PAGE_SIZE }, signal),
  )
  if (!first) return

  setHtml(main, pageView())
  const q = <T extends Element>(selector: string): T => main.querySelector<T>(selector) as T
  const list = q<HTMLUListElement>('.qc-notifications')
  const empty = q<HTMLElement>('.qc-notifications-empty')
  const more = q<HTMLButtonElement>('.qc-load-more')
  const readAll = q<HTMLButtonElement>('.qc-read-all')
  const status = q<HTMLElement>('.qc-notifications-status')
  const summary = q<HTMLElement>('.qc-unread-summary')
  let cursor = first.next_cursor

  const say = (content: Safe): void => setHtml(status, content)

  const refreshSummary = (count: number | null): void => {
    const n = count ?? 0
    summary.textContent = plural(n, {
      none: 'unreadSummaryNone',
      one: 'unreadSummaryOne',
      many: 'unreadSummaryMany',
    })
  }

  const append = (items: Notification[]): HTMLElement | null => {
    const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
    const fresh = items.filter((n) => !known.has(String(n.id)))
    const before = list.lastElementChild
    list.insertAdjacentHTML('beforeend', fresh.map((n) => itemView(n).value).join(''))
    empty.hidden = list.children.length > 0
    readAll.hidden = list.children.length === 0
    return (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null
  }

  const setCursor = (next: string | null): void => {
    cursor = next
    more.hidden = cursor === null
  }

  const markItemRead = (li: HTMLElement): void => {
    li.dataset.unread = 'false'
    li.classList.remove('is-unread')
    li.querySelector('.qc-unread-badge')?.remove()
    li.querySelector('.qc-mark-read')?.remove()
  }

  append(first.items)
  setCursor(first.next_cursor)
  // the list's own count is the freshest: adopt it (the bell follows)
  refreshSummary(first.unread_count)
  const stopCount = onUnreadChange(refreshSummary)
  setUnread(first.unread_count)

  // a notification that arrives while the page is open goes on top of the list
  const stopLive = onLiveNotification((n: LiveNotification) => {
    if (list.querySelector(`li[data-id="${CSS.escape(String(n.id))}"]`)) return
    const item: Notification = {
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      created_at: n.created_at,
      read_at: null,
    }
    list.insertAdjacentHTML('afterbegin', itemView(item).value)
    empty.hidden = true
    readAll.hidden = false
    refreshSummary(n.unread_count)
  })
  signal.addEventListener('abort', () => {
    stopLive()
    stopCount()
  })

  list.addEventListener('click', (event) => {
    const target = event.target as Element | null
    const li = target?.closest<HTMLElement>('li.qc-notification')
    if (!li) return
    const id = Number(li.dataset.id)
    const button = target?.closest<HTMLButtonElement>('button.qc-mark-read')
    if (button) {
      button.disabled = true
      markRead(id)
        .then(() => {
          markItemRead(li)
          say(alertBox('success', t('markedRead')))
          // the button is gone: keep the keyboard focus on the item
          li.querySelector<HTMLElement>('.qc-notification-title a, .qc-notification-title [tabindex]')?.focus()
        })
        .catch((err: unknown) => {
          button.disabled = false
          say(alertBox('danger', errorMessage(err)))
        })
      return
    }
    const anchor = target?.closest<HTMLAnchorElement>('a.qc-notification-link')
    if (!anchor) return
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    const wasUnread = li.dataset.unread === 'true'
    if (wasUnread) markItemRead(li)
    void openNotification(id, anchor.getAttribute('href'), wasUnread)
  })

  readAll.addEventListener('click', () => {
    readAll.disabled = true
    markAllRead()
      .then(() => {
        for (const li of list.querySelectorAll<HTMLElement>('li[data-unread="true"]')) markItemRead(li)
        say(alertBox('success', t('markedAllRead')))
      })
      .catch((err: unknown) => say(alertBox('danger', errorMessage(err))))
      .finally(() => {
        readAll.disabled = false
      })
  })

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    api
      .notifications({ limit: PAGE_SIZE, cursor })
      .then((page) => {
        if (signal.aborted) return
        const firstNew = append(page.items)
        setCursor(page.next_cursor)
        // take the keyboard to the first of the older notifications (the button may be gone)
        firstNew
          ?.querySelector<HTMLElement>('.qc-notification-title a, .qc-notification-title [tabindex]')
          ?.focus()
      })
      .catch((err: unknown) => say(alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })
}
