/**
 * The profile's "where you are signed in" section: my sessions (device, when it signed in,
 * last use, "this device"), ending one, "sign out of all other devices"; and my personal
 * tokens (created, expiry, last use), revoking one. Every ending is confirmed in place.
 */

import type { Page } from '../api'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime } from '../i18n'
import { alertBox } from '../layout'
import { errorMessage } from '../pages/common'
import { askToConfirm, pageStatus } from '../pages/scaffold'
import { profile, type Token, type UserSession } from './api'
import { pt, ptf } from './i18n'

export interface DevicesData {
  sessions: UserSession[]
  tokens: Token[]
}

async function all<T>(load: () => Promise<Page<T>>): Promise<T[]> {
  return (await load()).items
}

export async function loadDevices(signal?: AbortSignal): Promise<DevicesData> {
  const [sessions, tokens] = await Promise.all([
    all(() => profile.sessions(signal)),
    all(() => profile.tokens(signal)),
  ])
  return { sessions, tokens }
}

function deviceName(s: UserSession): string {
  return s.device ?? pt('unknownDevice')
}

function sessionItem(s: UserSession): Safe {
  const when = formatDateTime(s.created_at)
  return html`<li class="qc-device${s.current ? ' is-current' : ''}" data-id="${s.id}">
    <p class="qc-device-name mb-1">
      <strong>${deviceName(s)}</strong>
      ${s.current ? html` <span class="qc-badge qc-badge-new qc-this-device">${pt('thisDevice')}</span>` : ''}
    </p>
    <p class="mb-1">${ptf('signedInOn', { date: when })} · ${ptf('lastSeen', { date: formatDateTime(s.last_seen_at) })}</p>
    ${s.current
      ? ''
      : html`<button
            type="button"
            class="btn btn-outline-primary btn-sm"
            data-end-session="${s.id}"
            aria-label="${ptf('endSessionNamed', { device: deviceName(s), date: when })}"
          >
            ${pt('endSession')}
          </button>
          <div class="qc-confirm-slot" id="end-session-${s.id}" hidden></div>`}
  </li>`
}

function tokenItem(token: Token, now: number): Safe {
  const expired = new Date(token.expires_at).getTime() <= now
  return html`<li class="qc-token" data-id="${token.id}">
    <p class="mb-1"><strong>${token.name}</strong></p>
    <dl class="qc-facts">
      <div><dt>${pt('tokenPrefix')}</dt><dd><code>${token.prefix}</code></dd></div>
      <div><dt>${pt('tokenCreated')}</dt><dd>${formatDateTime(token.created_at)}</dd></div>
      <div>
        <dt>${expired ? pt('tokenExpired') : pt('tokenExpires')}</dt>
        <dd class="qc-token-expiry">${formatDateTime(token.expires_at)}</dd>
      </div>
      <div>
        <dt>${pt('tokenLastUsed')}</dt>
        <dd class="qc-token-used">${token.last_used_at ? formatDateTime(token.last_used_at) : pt('tokenNeverUsed')}</dd>
      </div>
    </dl>
    <button
      type="button"
      class="btn btn-outline-danger btn-sm"
      data-revoke="${token.id}"
      aria-label="${ptf('revokeNamed', { name: token.name })}"
    >
      ${pt('revoke')}
    </button>
    <div class="qc-confirm-slot" id="revoke-${token.id}" hidden></div>
  </li>`
}

function bodyView(d: DevicesData): Safe {
  const others = d.sessions.filter((s) => !s.current)
  const now = Date.now()
  return html`<ul class="list-unstyled qc-devices">
      ${d.sessions.map(sessionItem)}
    </ul>
    ${others.length
      ? html`<div class="qc-actions">
            <button type="button" class="btn btn-outline-primary qc-end-others">${pt('endOthers')}</button>
          </div>
          <div class="qc-confirm-slot" id="end-others" hidden></div>`
      : html`<p class="qc-empty-line">${pt('noOtherDevices')}</p>`}
    <h3 class="h5 mt-4" id="tokens-title">${pt('tokensTitle')}</h3>
    <p>${pt('tokensIntro')}</p>
    ${d.tokens.length
      ? html`<ul class="list-unstyled qc-tokens" aria-labelledby="tokens-title">
          ${d.tokens.map((token) => tokenItem(token, now))}
        </ul>`
      : html`<p class="qc-empty-line qc-no-tokens">${pt('noTokens')}</p>`}`
}

export function mountDevices(container: HTMLElement, data: DevicesData): void {
  setHtml(
    container,
    html`<section class="qc-devices-section mt-4" aria-labelledby="devices-title">
      <h2 class="h4" id="devices-title">${pt('devicesTitle')}</h2>
      <p>${pt('devicesIntro')}</p>
      ${pageStatus('devices-status')}
      <div class="qc-devices-body"></div>
    </section>`,
  )
  const body = container.querySelector<HTMLElement>('.qc-devices-body') as HTMLElement
  const status = container.querySelector<HTMLElement>('#devices-status') as HTMLElement
  const heading = container.querySelector<HTMLElement>('#devices-title') as HTMLElement
  let current = data
  const draw = (): void => setHtml(body, bodyView(current))
  draw()

  /** Do `work`, reload, redraw, say `message` and put focus on the section's heading. */
  const act = async (work: () => Promise<void>, message: string): Promise<void> => {
    try {
      await work()
    } catch (err) {
      setHtml(status, alertBox('danger', errorMessage(err)))
      return
    }
    try {
      current = await loadDevices()
    } catch {
      // the change is made; the list is refreshed on the next visit
    }
    draw()
    setHtml(status, alertBox('success', message))
    heading.tabIndex = -1
    heading.focus()
  }

  body.addEventListener('click', (event) => {
    const target = event.target as Element | null
    const end = target?.closest<HTMLButtonElement>('button[data-end-session]')
    if (end) {
      const s = current.sessions.find((x) => x.id === Number(end.dataset.endSession))
      const slot = s ? body.querySelector<HTMLElement>(`#end-session-${s.id}`) : null
      if (!s || !slot) return
      const device = deviceName(s)
      askToConfirm(
        slot,
        ptf('endSessionQuestion', { device }),
        pt('endSessionYes'),
        () => act(() => profile.endSession(s.id), ptf('sessionEnded', { device })),
        end,
      )
      return
    }
    const others = target?.closest<HTMLButtonElement>('button.qc-end-others')
    if (others) {
      const slot = body.querySelector<HTMLElement>('#end-others')
      if (!slot) return
      askToConfirm(
        slot,
        pt('endOthersQuestion'),
        pt('endOthersYes'),
        () => act(() => profile.endOtherSessions(), pt('othersEnded')),
        others,
      )
      return
    }
    const revoke = target?.closest<HTMLButtonElement>('button[data-revoke]')
    if (revoke) {
      const token = current.tokens.find((x) => x.id === Number(revoke.dataset.revoke))
      const slot = token ? body.querySelector<HTMLElement>(`#revoke-${token.id}`) : null
      if (!token || !slot) return
      askToConfirm(
        slot,
        ptf('revokeQuestion', { name: token.name }),
        pt('revokeYes'),
        () => act(() => profile.revokeToken(token.id), ptf('revoked', { name: token.name })),
        revoke,
      )
    }
  })
}
