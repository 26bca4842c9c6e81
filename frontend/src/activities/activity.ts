/**
 * /attivita/<id> — one activity: what it is, where and by whom, for whom, languages,
 * accessibility, price; its next sessions with the seats left, and for signed-in people
 * "Prenota" / "Annulla la prenotazione" on each (confirmed, or on the waitlist with the
 * position). Every booking click sends a fresh Idempotency-Key (kept only to retry after a
 * lost answer). The page carries the activity's schema.org Event as JSON-LD (a data block
 * in <head>, which the CSP allows) and links to the space's calendar feed.
 */

import { ApiError, type Me } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { askToConfirm, breadcrumb, errorView, messageView, pageStatus, paragraphs } from '../pages/scaffold'
import type { PageContext } from '../router'
import { loadSession } from '../session'
import {
  activities,
  newIdempotencyKey,
  spaceCalendarUrl,
  type Activity,
  type Category,
  type Registration,
  type Session,
} from './api'
import { audienceName, capitalise, languagesText, priceText, registrationBadge, registrationText, seatsBadge, whenText } from './common'
import { at, atf } from './i18n'

const SESSIONS_SHOWN = 12
const JSON_LD_ID = 'qc-activity-jsonld'

function fact(label: string, value: Safe | string, cls: string): Safe {
  return html`<div><dt>${label}</dt><dd class="${cls}">${value}</dd></div>`
}

function started(s: { starts_at: string }): boolean {
  return Date.parse(s.starts_at) <= Date.now()
}

function actionView(a: Activity, s: Session, reg: Registration | undefined, me: Me | null): Safe {
  if (!a.registration_required || s.status === 'cancelled' || started(s) || !me) return html``
  const label = `${a.title}, ${whenText(s)}`
  if (reg && reg.status !== 'cancelled') {
    return html`<button type="button" class="btn btn-outline-danger" data-cancel="${reg.id}" aria-label="${atf('cancelBookingNamed', { what: label })}">
      ${at('cancelBooking')}
    </button>`
  }
  const full = s.seats_left === 0
  return html`<button type="button" class="btn btn-primary" data-book="${s.id}" aria-label="${atf(full ? 'joinWaitlistNamed' : 'bookNamed', { what: label })}">
    ${at(full ? 'joinWaitlist' : 'book')}
  </button>`
}

function sessionRow(a: Activity, s: Session, reg: Registration | undefined, me: Me | null): Safe {
  const active = reg && reg.status !== 'cancelled' ? reg : undefined
  return html`<li class="qc-session" data-id="${s.id}" data-status="${s.status}" data-registration="${active?.status ?? ''}">
    <p class="qc-session-when">${capitalise(whenText(s, true))}</p>
    <p class="qc-badges">
      ${a.registration_required || s.status === 'cancelled' ? seatsBadge(s) : html`<span class="qc-badge">${at('noBookingNeeded')}</span>`}
      ${active ? registrationBadge(active) : ''}
    </p>
    ${s.status === 'cancelled' && s.cancel_reason ? html`<p class="qc-session-reason">${s.cancel_reason}</p>` : ''}
    <div class="qc-actions qc-session-actions">${actionView(a, s, reg, me)}</div>
    <div class="qc-confirm-slot" id="confirm-${s.id}" hidden></div>
  </li>`
}

function scheduleText(a: Activity): string {
  if (!a.rrule) return at('onceOnly')
  const parts = Object.fromEntries(a.rrule.split(';').map((p) => p.split('=') as [string, string]))
  if (parts.FREQ === 'WEEKLY') return at('everyWeek')
  return at('recurring')
}

function bookingIntro(a: Activity, me: Me | null): Safe {
  if (!a.registration_required) return html`<p>${at('noBookingExplained')}</p>`
  if (me) return html`<p>${a.capacity ? atf('bookingExplained', { n: a.capacity }) : at('bookingExplainedNoLimit')}</p>`
  const next = encodeURIComponent(`/attivita/${a.id}`)
  return html`<p>${at('signInToBookExplained')}</p>
    <div class="qc-actions">
      <a class="btn btn-primary" href="/accedi?next=${next}">${at('signInToBook')}</a>
      <a class="btn btn-outline-primary" href="/registrati">${at('registerToBook')}</a>
    </div>`
}

function pageView(a: Activity, sessions: Session[], mine: Map<number, Registration>, category: string, me: Me | null): Safe {
  return html`<div class="container py-4 qc-activity-page" data-id="${a.id}">
    ${breadcrumb([{ href: '/attivita', label: at('agendaTitle') }, { label: a.title }])}
    <h1>${a.title}</h1>
    <p class="qc-badges"><span class="qc-badge">${category}</span><span class="qc-badge">${audienceName(a.audience)}</span></p>
    <dl class="qc-facts">
      ${fact(at('factWhere'), html`<a href="/spazi/${a.space.slug}">${a.space.name}</a><span class="qc-address">${a.space.address}</span>`, 'qc-fact-where')}
      ${fact(at('factWho'), a.organisation.name, 'qc-fact-org')}
      ${fact(at('factAudience'), audienceName(a.audience), 'qc-fact-audience')}
      ${fact(at('factLanguages'), languagesText(a.languages), 'qc-fact-languages')}
      ${fact(at('factPrice'), priceText(a), 'qc-fact-price')}
      ${fact(at('factSchedule'), scheduleText(a), 'qc-fact-schedule')}
      ${a.accessibility_notes ? fact(at('factAccessibility'), a.accessibility_notes, 'qc-fact-accessibility') : ''}
    </dl>
    <div class="row">
      <section class="col-12 col-lg-6 mb-4" aria-labelledby="activity-about">
        <h2 class="h4" id="activity-about">${at('aboutHeading')}</h2>
        <div class="qc-activity-description">${a.description ? paragraphs(a.description) : html`<p>${at('noDescription')}</p>`}</div>
        <h2 class="h5" id="activity-calendar">${at('addToCalendar')}</h2>
        <p>${atf('spaceCalendarExplained', { name: a.space.name })}</p>
        <p><a class="qc-ics-link" href="${spaceCalendarUrl(a.space.slug)}" download>${atf('spaceCalendarLink', { name: a.space.name })}</a></p>
        ${me ? html`<p><a href="/attivita/mie#calendario">${at('personalCalendarLink')}</a></p>` : ''}
      </section>
      <section class="col-12 col-lg-6 mb-4 qc-panel qc-activity-sessions" aria-labelledby="sessions-heading">
        <h2 class="h4" id="sessions-heading">${at('nextSessions')}</h2>
        ${bookingIntro(a, me)}
        ${pageStatus('activity-status')}
        ${sessions.length
          ? html`<ul class="qc-sessions list-unstyled">${sessions.map((s) => sessionRow(a, s, mine.get(s.id), me))}</ul>`
          : html`<p class="qc-empty">${at('noNextSessions')}</p>`}
      </section>
    </div>
  </div>`
}

function putJsonLd(data: Record<string, unknown>, signal: AbortSignal): void {
  document.getElementById(JSON_LD_ID)?.remove()
  const script = document.createElement('script')
  script.type = 'application/ld+json'
  script.id = JSON_LD_ID
  script.textContent = JSON.stringify(data).replace(/</g, '\\u003c')
  document.head.append(script)
  signal.addEventListener('abort', () => script.remove())
}

export async function activityPage(ctx: PageContext): Promise<void> {
  const { main, signal, params } = ctx
  setTitle(at('activityTitle'))
  if (!/^\d{1,9}$/.test(params.activity_id ?? '')) {
    setHtml(main, messageView(at('activityNotFound'), at('activityNotFoundText'), backLink()))
    return
  }
  const activityId = Number(params.activity_id)
  setHtml(main, loadingView())
  let a: Activity
  let me: Me | null
  let categories: Category[]
  let sessions: Session[]
  const mine = new Map<number, Registration>()
  try {
    ;[a, me, categories, sessions] = await Promise.all([
      activities.activity(activityId, signal),
      loadSession().catch(() => null),
      activities.categories(signal),
      activities
        .activitySessions(activityId, { from: new Date().toISOString(), limit: SESSIONS_SHOWN }, signal)
        .then((p) => p.items),
    ])
    if (me && a.registration_required) {
      const page = await activities.myRegistrations({ when: 'upcoming', limit: 100 }, signal)
      for (const r of page.items) if (r.session.activity.id === a.id) mine.set(r.session_id, r)
    }
  } catch (err) {
    if (signal.aborted) throw err
    const missing = err instanceof ApiError && err.status === 404
    setTitle(missing ? at('activityNotFound') : at('activityTitle'))
    setHtml(main, errorView(missing ? at('activityNotFound') : at('activityTitle'), err, backLink()))
    return
  }
  if (signal.aborted) return
  setTitle(a.title)
  putJsonLd(a.json_ld, signal)
  const category = categories.find((c) => c.code === a.category)?.name ?? a.category
  setHtml(main, pageView(a, sessions, mine, category, me))
  const status = main.querySelector<HTMLElement>('#activity-status')
  if (!status) return

  const redraw = (sessionId: number, focus: 'action' | null): void => {
    const s = sessions.find((x) => x.id === sessionId)
    const li = main.querySelector<HTMLElement>(`li.qc-session[data-id="${sessionId}"]`)
    if (!s || !li) return
    li.outerHTML = sessionRow(a, s, mine.get(sessionId), me).value
    if (focus) main.querySelector<HTMLElement>(`li.qc-session[data-id="${sessionId}"] .qc-session-actions button`)?.focus()
  }
  const reload = async (sessionId: number): Promise<void> => {
    const fresh = await activities.session(sessionId).catch(() => null)
    const i = sessions.findIndex((x) => x.id === sessionId)
    if (fresh && i >= 0) sessions[i] = fresh
  }

  // a key is kept only while a retry may be needed (no answer came back); each new click
  // that follows an answer makes a new one
  const pending = new Map<number, string>()
  main.addEventListener('click', (event) => {
    const target = event.target as Element | null
    const book = target?.closest<HTMLButtonElement>('button[data-book]')
    if (book) {
      const sessionId = Number(book.dataset.book)
      if (book.disabled) return
      book.disabled = true
      const key = pending.get(sessionId) ?? newIdempotencyKey()
      pending.set(sessionId, key)
      activities
        .register(sessionId, key)
        .then(async (reg) => {
          pending.delete(sessionId)
          mine.set(sessionId, reg)
          await reload(sessionId)
          if (signal.aborted) return
          redraw(sessionId, 'action')
          setHtml(status, alertBox('success', reg.status === 'confirmed' ? at('bookedConfirmed') : atf('bookedWaitlisted', { text: registrationText(reg) })))
        })
        .catch(async (err: unknown) => {
          if (!(err instanceof ApiError && err.status === 0)) pending.delete(sessionId)
          book.disabled = false
          await reload(sessionId)
          if (signal.aborted) return
          setHtml(status, alertBox('danger', errorMessage(err)))
        })
      return
    }
    const cancel = target?.closest<HTMLButtonElement>('button[data-cancel]')
    if (cancel) {
      const li = cancel.closest<HTMLElement>('li.qc-session')
      const sessionId = Number(li?.dataset.id)
      const slot = li?.querySelector<HTMLElement>('.qc-confirm-slot')
      const reg = mine.get(sessionId)
      if (!slot || !reg) return
      askToConfirm(
        slot,
        reg.status === 'confirmed' ? at('cancelQuestion') : at('leaveWaitlistQuestion'),
        at('cancelYes'),
        async () => {
          try {
            await activities.cancelRegistration(reg.id)
            mine.delete(sessionId)
            await reload(sessionId)
            if (signal.aborted) return
            redraw(sessionId, 'action')
            setHtml(status, alertBox('success', at('bookingCancelled')))
          } catch (err) {
            setHtml(status, alertBox('danger', errorMessage(err)))
          }
        },
        cancel,
      )
    }
  }, { signal })
}

function backLink(): Safe {
  return html`<p><a href="/attivita">${at('backToAgenda')}</a></p>`
}
