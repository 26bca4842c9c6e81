/**
 * Toasts for live notifications, in Bootstrap Italia's "notification" look.
 *
 * They live in one polite live region (role="status"), itself in a labelled region
 * landmark after the footer, created when a user signs in — so that it is already in the
 * page when the first toast is added, which is what makes screen readers announce it.
 * A toast closes with its button, when its link is followed, or after a while; the timer
 * pauses while the pointer or the keyboard focus is on it.
 */

import type { LiveNotification } from './api'
import { html, setHtml } from './html'
import { t } from './i18n'
import { icon } from './icons'
import { openNotification, safeLink } from './notifications'

const REGION_ID = 'qc-toasts'
const HIDE_AFTER_MS = 12000
const MAX_TOASTS = 3

function list(): HTMLElement | null {
  return document.querySelector<HTMLElement>(`#${REGION_ID} .qc-toast-list`)
}

/** Create (or relabel, after a language change) the toasts' region. */
export function ensureToastRegion(): void {
  let region = document.getElementById(REGION_ID)
  if (!region) {
    region = document.createElement('section')
    region.id = REGION_ID
    region.className = 'qc-toasts'
    const live = document.createElement('div')
    live.className = 'qc-toast-list'
    live.setAttribute('role', 'status')
    live.setAttribute('aria-live', 'polite')
    live.setAttribute('aria-relevant', 'additions')
    region.append(live)
    document.body.append(region)
  }
  region.setAttribute('aria-label', t('toastRegion'))
}

export function removeToastRegion(): void {
  document.getElementById(REGION_ID)?.remove()
}

function dismiss(toast: HTMLElement): void {
  const hadFocus = toast.contains(document.activeElement)
  toast.remove()
  if (hadFocus) document.querySelector<HTMLElement>('header .qc-bell')?.focus()
}

export function showToast(n: LiveNotification): void {
  ensureToastRegion()
  const container = list()
  if (!container) return
  const link = safeLink(n.link)
  const toast = document.createElement('div')
  toast.className = 'notification with-icon info dismissable qc-toast'
  toast.dataset.id = String(n.id)
  setHtml(
    toast,
    html`<p class="qc-toast-title">${icon('qc-bell', 'qc-toast-icon')}<strong>${n.title}</strong></p>
      ${n.body ? html`<p class="qc-toast-body">${n.body}</p>` : ''}
      ${link
        ? html`<p class="qc-toast-action">
            <a class="qc-toast-link" href="${link}"
              >${t('toastOpen')}<span class="visually-hidden">: ${n.title}</span></a
            >
          </p>`
        : ''}
      <button type="button" class="btn notification-close qc-toast-close">
        ${icon('it-close')}<span class="visually-hidden">${t('toastClose')}</span>
      </button>`,
  )

  let timer = 0
  const arm = (): void => {
    window.clearTimeout(timer)
    timer = window.setTimeout(() => {
      if (!toast.matches(':hover, :focus-within')) toast.remove()
    }, HIDE_AFTER_MS)
  }
  toast.addEventListener('mouseleave', arm)
  toast.addEventListener('focusout', arm)
  toast.addEventListener('click', (event) => {
    const target = event.target as Element | null
    if (target?.closest('.qc-toast-close')) {
      window.clearTimeout(timer)
      dismiss(toast)
      return
    }
    const anchor = target?.closest<HTMLAnchorElement>('a.qc-toast-link')
    if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return
    }
    event.preventDefault()
    window.clearTimeout(timer)
    toast.remove()
    void openNotification(n.id, link, true)
  })

  container.append(toast)
  while (container.children.length > MAX_TOASTS) container.firstElementChild?.remove()
  arm()
}
