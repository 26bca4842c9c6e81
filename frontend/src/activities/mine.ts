/**
 * /attivita/mie — my bookings: the upcoming sessions I am registered for (confirmed, or on
 * the waitlist with my position), each with "Annulla"; and my personal calendar feed: a
 * secret address that calendar apps subscribe to (shown, made anew, switched off), explained
 * in plain words.
 */

import type { Page } from '../api'
import { html, setHtml, type Safe } from '../html'
import { alertBox, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { askToConfirm, breadcrumb, errorView, pageStatus, requireUser } from '../pages/scaffold'
import type { PageContext } from '../router'
import { activities, type CalendarFeed, type MyRegistration } from './api'
import { capitalise, registrationBadge, whenText } from './common'
import { at, atf } from './i18n'

const PAGE_SIZE = 20

function bookingRow(r: MyRegistration): Safe {
  const s = r.session
  const a = s.activity
  const started = Date.parse(s.starts_at) <= Date.now()
  return html`<li class="qc-booking" data-id="${r.id}" data-session="${s.id}" data-status="${r.status}">
    <h2 class="h5 qc-booking-title"><a href="/attivita/${a.id}">${a.title}</a></h2>
    <p class="qc-booking-when">${capitalise(whenText(s, true))}</p>
    <p class="qc-booking-where">${a.space.name} · ${a.space.address}</p>
    <p class="qc-badges">
      ${registrationBadge(r)}
      ${s.status === 'cancelled' ? html`<span class="qc-badge qc-seats" data-seats="cancelled">${at('sessionCancelled')}</span>` : ''}
    </p>
    ${!started && s.status !== 'cancelled'
      ? html`<div class="qc-actions">
          <button type="button" class="btn btn-outline-danger" data-cancel="${r.id}" aria-label="${atf('cancelBookingNamed', { what: `${a.title}, ${whenText(s)}` })}">
            ${at('cancelBooking')}
          </button>
        </div>`
      : ''}
    <div class="qc-confirm-slot" id="confirm-${r.id}" hidden></div>
  </li>`
}

function feedView(feed: CalendarFeed): Safe {
  if (!feed.active || !feed.url) {
    return html`<p>${at('feedNone')}</p>
      <div class="qc-actions"><button type="button" class="btn btn-primary" data-feed="new">${at('feedCreate')}</button></div>`
  }
  return html`<div class="form-group qc-field">
      <label for="feed-url" class="active">${at('feedUrlLabel')}</label>
      <input type="text" class="form-control qc-feed-url" id="feed-url" value="${feed.url}" readonly aria-describedby="feed-url-help" />
      <small class="form-text" id="feed-url-help">${at('feedUrlHelp')}</small>
    </div>
    <div class="qc-actions">
      ${feed.webcal_url ? html`<a class="btn btn-primary" href="${feed.webcal_url}">${at('feedSubscribe')}</a>` : ''}
      <button type="button" class="btn btn-outline-primary" data-feed="copy">${at('feedCopy')}</button>
    </div>
    <p class="qc-feed-secret">${at('feedSecret')}</p>
    <div class="qc-actions">
      <button type="button" class="btn btn-outline-primary" data-feed="regenerate">${at('feedRegenerate')}</button>
      <button type="button" class="btn btn-outline-danger" data-feed="stop">${at('feedStop')}</button>
    </div>
    <div class="qc-confirm-slot" id="confirm-feed" hidden></div>`
}

function pageView(): Safe {
  return html`<div class="container py-4 qc-narrow qc-my-bookings">
    ${breadcrumb([{ href: '/attivita', label: at('agendaTitle') }, { label: at('myBookingsTitle') }])}
    <h1>${at('myBookingsTitle')}</h1>
    <p class="qc-lead">${at('myBookingsIntro')}</p>
    ${pageStatus('bookings-status')}
    <ul class="qc-bookings list-unstyled"></ul>
    <p class="qc-empty" hidden>${at('noBookings')} <a href="/attivita">${at('seeAgenda')}</a></p>
    <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${at('loadMoreBookings')}</button>
    <section class="qc-panel qc-feed" id="calendario" aria-labelledby="feed-heading">
      <h2 class="h4" id="feed-heading">${at('feedHeading')}</h2>
      <p>${at('feedExplained')}</p>
      ${pageStatus('feed-status')}
      <div class="qc-feed-body"></div>
    </section>
  </div>`
}

export async function myBookingsPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(at('myBookingsTitle'))
  let first: Page<MyRegistration>
  let feed: CalendarFeed
  try {
    const me = await requireUser(ctx)
    if (!me) return
    ;[first, feed] = await Promise.all([
      activities.myRegistrations({ when: 'upcoming', limit: PAGE_SIZE }, signal),
      activities.calendarFeed(signal),
    ])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(at('myBookingsTitle'), err))
    return
  }
  if (signal.aborted) return
  setHtml(main, pageView())
  const list = main.querySelector<HTMLUListElement>('.qc-bookings') as HTMLUListElement
  const empty = main.querySelector<HTMLElement>('.qc-my-bookings > .qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-load-more') as HTMLButtonElement
  const status = main.querySelector<HTMLElement>('#bookings-status') as HTMLElement
  const feedStatus = main.querySelector<HTMLElement>('#feed-status') as HTMLElement
  const feedBody = main.querySelector<HTMLElement>('.qc-feed-body') as HTMLElement
  if (ctx.flash) setHtml(status, alertBox('success', ctx.flash))
  let cursor = first.next_cursor
  const append = (items: MyRegistration[]): void => {
    list.insertAdjacentHTML('beforeend', items.map((r) => bookingRow(r).value).join(''))
    empty.hidden = list.children.length > 0
    more.hidden = cursor === null
  }
  append(first.items)
  const drawFeed = (): void => setHtml(feedBody, feedView(feed))
  drawFeed()

  more.addEventListener('click', () => {
    if (cursor === null) return
    more.disabled = true
    activities
      .myRegistrations({ when: 'upcoming', limit: PAGE_SIZE, cursor })
      .then((page) => {
        if (signal.aborted) return
        cursor = page.next_cursor
        const before = list.children.length
        append(page.items)
        list.children[before]?.querySelector<HTMLElement>('a')?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })

  list.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-cancel]')
    const li = button?.closest<HTMLElement>('li.qc-booking')
    const slot = li?.querySelector<HTMLElement>('.qc-confirm-slot')
    if (!button || !li || !slot) return
    const waitlisted = li.dataset.status === 'waitlisted'
    askToConfirm(slot, waitlisted ? at('leaveWaitlistQuestion') : at('cancelQuestion'), at('cancelYes'), async () => {
      try {
        await activities.cancelRegistration(Number(button.dataset.cancel))
        if (signal.aborted) return
        const next = li.nextElementSibling ?? li.previousElementSibling
        li.remove()
        empty.hidden = list.children.length > 0
        setHtml(status, alertBox('success', at('bookingCancelled')))
        ;(next?.querySelector<HTMLElement>('a') ?? main.querySelector<HTMLElement>('h1'))?.focus()
      } catch (err) {
        setHtml(status, alertBox('danger', errorMessage(err)))
      }
    }, button)
  })

  feedBody.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-feed]')
    if (!button) return
    const action = button.dataset.feed
    const focusFeed = (): void => {
      feedBody.querySelector<HTMLElement>('#feed-url, button[data-feed]')?.focus()
    }
    const run = async (work: () => Promise<void>, done: string): Promise<void> => {
      try {
        await work()
        if (signal.aborted) return
        drawFeed()
        setHtml(feedStatus, alertBox('success', done))
        focusFeed()
      } catch (err) {
        setHtml(feedStatus, alertBox('danger', errorMessage(err)))
      }
    }
    const slot = feedBody.querySelector<HTMLElement>('#confirm-feed')
    if (action === 'new') {
      button.disabled = true
      void run(async () => {
        feed = await activities.newCalendarFeed()
      }, at('feedCreated')).finally(() => {
        button.disabled = false
      })
    } else if (action === 'copy') {
      const input = feedBody.querySelector<HTMLInputElement>('#feed-url')
      if (!input) return
      input.select()
      const copied = navigator.clipboard?.writeText(input.value)
      if (copied) {
        copied.then(
          () => setHtml(feedStatus, alertBox('success', at('feedCopied'))),
          () => setHtml(feedStatus, alertBox('info', at('feedCopyByHand'))),
        )
      } else setHtml(feedStatus, alertBox('info', at('feedCopyByHand')))
    } else if (action === 'regenerate' && slot) {
      askToConfirm(slot, at('feedRegenerateQuestion'), at('feedRegenerateYes'), () =>
        run(async () => {
          feed = await activities.newCalendarFeed()
        }, at('feedRegenerated')), button)
    } else if (action === 'stop' && slot) {
      askToConfirm(slot, at('feedStopQuestion'), at('feedStopYes'), () =>
        run(async () => {
          await activities.stopCalendarFeed()
          feed = { active: false, url: null, webcal_url: null, created_at: null }
        }, at('feedStopped')), button)
    }
  })
}
