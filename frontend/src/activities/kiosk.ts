/**
 * /kiosk/<slug> — the screen in a space's lodge: large type, high contrast, no navigation.
 * Today's sessions not yet over and the next ones, with the seats left, kept up to date
 * live over Socket.IO (`auth: {kiosk: slug}`, event `session.seats`: public seat counts
 * only) and, as a fallback, by asking the API again every minute and after a reconnection.
 *
 * socket.io-client is imported dynamically: it travels in its own chunk, loaded only here
 * (and by the signed-in users' live channel), never by the home page.
 */

import { ApiError } from '../api'
import { html, setHtml, type Safe } from '../html'
import { loadingView, setTitle } from '../layout'
import { romeDay } from '../milan'
import { errorView } from '../pages/scaffold'
import type { PageContext } from '../router'
import { activities, type Kiosk, type KioskSession, type SeatsEvent } from './api'
import { audienceName, capitalise, dayName, romeTime, seatsState, seatsText } from './common'
import { at, atf } from './i18n'

const REFRESH_MS = 60_000
const MODE_CLASS = 'qc-kiosk-mode'

function sessionItem(s: KioskSession, withDay: boolean): Safe {
  const seats = seatsText(s)
  return html`<li class="qc-kiosk-session" data-session-id="${s.session_id}" data-status="${s.status}">
    <p class="qc-kiosk-when">
      ${withDay ? html`<span class="qc-kiosk-day">${capitalise(dayName(romeDay(s.starts_at)))}</span> ` : ''}
      <span class="qc-kiosk-time">${romeTime(s.starts_at)}–${romeTime(s.ends_at)}</span>
    </p>
    <p class="qc-kiosk-title">${s.title}</p>
    <p class="qc-kiosk-meta">${audienceName(s.audience)}</p>
    <p class="qc-kiosk-seats" data-seats="${seatsState(s)}">${seats}</p>
  </li>`
}

function listView(items: KioskSession[], withDay: boolean, empty: string): Safe {
  return items.length
    ? html`<ul class="qc-kiosk-list list-unstyled">${items.map((s) => sessionItem(s, withDay))}</ul>`
    : html`<p class="qc-kiosk-empty">${empty}</p>`
}

function boardView(k: Kiosk): Safe {
  return html`<section class="qc-kiosk-today" aria-labelledby="kiosk-today">
      <h2 id="kiosk-today">${atf('kioskToday', { day: dayName(romeDay(new Date())) })}</h2>
      ${listView(k.today, false, at('kioskNothingToday'))}
    </section>
    <section class="qc-kiosk-next" aria-labelledby="kiosk-next">
      <h2 id="kiosk-next">${at('kioskNext')}</h2>
      ${listView(k.next, true, at('kioskNothingNext'))}
    </section>`
}

function pageView(k: Kiosk): Safe {
  return html`<div class="qc-kiosk" data-live="connecting">
    <div class="container-fluid">
      <header class="qc-kiosk-head">
        <h1>${atf('kioskTitle', { name: k.space.name })}</h1>
        <p class="qc-kiosk-clock" aria-hidden="true"></p>
      </header>
      <div class="qc-kiosk-board"></div>
      <p class="visually-hidden" id="kiosk-announce" aria-live="polite" aria-atomic="true"></p>
      <p class="qc-kiosk-foot">${at('kioskFoot')}</p>
    </div>
  </div>`
}

interface Socket {
  on(event: string, handler: (payload: never) => void): void
  close(): void
}

export async function kioskPage(ctx: PageContext): Promise<void> {
  const { main, signal, params } = ctx
  const slug = params.slug ?? ''
  setTitle(at('kioskPageTitle'))
  document.documentElement.classList.add(MODE_CLASS)
  signal.addEventListener('abort', () => document.documentElement.classList.remove(MODE_CLASS))
  setHtml(main, loadingView())
  let data: Kiosk
  try {
    data = await activities.kiosk(slug, signal)
  } catch (err) {
    if (signal.aborted) throw err
    const missing = err instanceof ApiError && err.status === 404
    setHtml(main, errorView(missing ? at('kioskNotFound') : at('kioskPageTitle'), err))
    return
  }
  if (signal.aborted) return
  setTitle(atf('kioskTitle', { name: data.space.name }))
  setHtml(main, pageView(data))
  const root = main.querySelector<HTMLElement>('.qc-kiosk') as HTMLElement
  const board = main.querySelector<HTMLElement>('.qc-kiosk-board') as HTMLElement
  const announce = main.querySelector<HTMLElement>('#kiosk-announce') as HTMLElement
  const clock = main.querySelector<HTMLElement>('.qc-kiosk-clock') as HTMLElement
  const draw = (): void => setHtml(board, boardView(data))
  draw()
  const tick = (): void => {
    clock.textContent = romeTime(new Date().toISOString())
  }
  tick()

  let refreshing = false
  const refresh = (): void => {
    if (refreshing || signal.aborted) return
    refreshing = true
    activities
      .kiosk(slug, signal)
      .then((fresh) => {
        if (signal.aborted) return
        data = fresh
        draw()
      })
      .catch(() => undefined) // keep showing what we have; the next round tries again
      .finally(() => {
        refreshing = false
      })
  }
  const timers = [window.setInterval(refresh, REFRESH_MS), window.setInterval(tick, 15_000)]

  const apply = (e: SeatsEvent): void => {
    const found = [...data.today, ...data.next].find((s) => s.session_id === e.session_id)
    if (!found) {
      // a session this screen does not show yet (just published, or moved): ask again
      refresh()
      return
    }
    const before = seatsText(found)
    found.seats_left = e.seats_left
    found.waitlisted = e.waitlisted
    found.status = e.status
    const li = board.querySelector<HTMLElement>(`li[data-session-id="${e.session_id}"]`)
    if (li) {
      li.dataset.status = e.status
      const seats = li.querySelector<HTMLElement>('.qc-kiosk-seats')
      if (seats) {
        seats.textContent = seatsText(found)
        seats.dataset.seats = seatsState(found)
      }
    }
    if (seatsText(found) !== before) announce.textContent = `${found.title}: ${seatsText(found)}`
  }

  let socket: Socket | null = null
  signal.addEventListener('abort', () => {
    for (const t of timers) window.clearInterval(t)
    socket?.close()
  })
  try {
    const { io } = await import('socket.io-client')
    if (signal.aborted) return
    const s = io({
      path: data.socket.path || '/socket.io',
      auth: { kiosk: data.space.slug },
      transports: ['websocket'],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 30000,
    })
    let connectedBefore = false
    s.on('connect', () => {
      root.dataset.live = 'connected'
      // events sent while the screen was offline are not replayed
      if (connectedBefore) refresh()
      connectedBefore = true
    })
    s.on('disconnect', () => {
      root.dataset.live = 'disconnected'
    })
    s.on('connect_error', () => {
      root.dataset.live = s.active ? 'disconnected' : 'off'
    })
    s.on(data.socket.event || 'session.seats', (payload: SeatsEvent) => {
      if (payload && typeof payload.session_id === 'number') apply(payload)
    })
    socket = s as unknown as Socket
  } catch {
    // no live channel (the chunk could not load): the periodic refresh keeps the screen right
    root.dataset.live = 'off'
  }
}
