/**
 * /gestione/attivita — the operators' console for their spaces' activities:
 *  - the overview: per space, the activities with their sessions (the last two weeks' and
 *    the next ones), seats and a link to each session;
 *  - ?nuovo and ?modifica=<id>: the form that publishes or changes an activity, with a
 *    weekly recurrence built from plain controls (weekdays; until a date, a number of
 *    meetings, or no end) into an RFC 5545 rule; the API's 422 field errors are shown next
 *    to their fields;
 *  - ?sessione=<id>: who is registered (and who waits), registering someone at the desk,
 *    cancelling the session (everyone is told), and once it has begun, attendance.
 * Only people with an operator grant get it; the server decides in the end.
 */

import { ApiError, type Me, type Space } from '../api'
import { busy, clearErrors, inputField, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { t, weekdayNames } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { romeDay } from '../milan'
import { errorMessage } from '../pages/common'
import { askToConfirm, breadcrumb, errorView, messageView, pageStatus, parseEuro, requireUser, selectBox, textareaField } from '../pages/scaffold'
import { scopeIds } from '../roles'
import { navigate, type PageContext } from '../router'
import {
  AUDIENCES,
  activities,
  newIdempotencyKey,
  type Activity,
  type Audience,
  type Category,
  type Session,
  type SessionRegistration,
} from './api'
import { addDays, audienceName, capitalise, languageName, registrationBadge, romeTime, romeToIso, seatsBadge, weekdayIndex, whenText } from './common'
import { at, atf } from './i18n'

const BASE = '/gestione/attivita'
const FORM = 'activity'
const BYDAY = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
const LANGUAGES = ['it', 'en', 'ar', 'zh', 'es', 'fr', 'ro', 'uk', 'ru', 'sq', 'bn', 'tl', 'ur', 'pt']

// --- the overview -------------------------------------------------------------------------------

function sessionLine(s: Session): Safe {
  return html`<li class="qc-console-session" data-id="${s.id}" data-status="${s.status}">
    <a href="${BASE}?sessione=${s.id}">${capitalise(whenText(s))}</a>
    ${s.activity.registration_required || s.status === 'cancelled' ? seatsBadge(s) : ''}
  </li>`
}

function activityBlock(sessions: Session[]): Safe {
  const a = (sessions[0] as Session).activity
  return html`<li class="qc-console-activity" data-id="${a.id}">
    <h3 class="h5"><a href="/attivita/${a.id}">${a.title}</a></h3>
    <div class="qc-actions">
      <a class="btn btn-outline-primary btn-sm" href="${BASE}?modifica=${a.id}" aria-label="${atf('editNamed', { title: a.title })}">${at('edit')}</a>
    </div>
    <ul class="qc-console-sessions list-unstyled" aria-label="${atf('sessionsOf', { title: a.title })}">${sessions.slice(0, 12).map(sessionLine)}</ul>
  </li>`
}

function overviewView(spaces: Space[], bySpace: Map<number, Session[]>): Safe {
  return html`<div class="container py-4 qc-console qc-activities-console">
    ${breadcrumb([{ href: '/attivita', label: at('agendaTitle') }, { label: at('consoleTitle') }])}
    <h1>${at('consoleTitle')}</h1>
    <p>${at('consoleIntro')}</p>
    ${pageStatus('console-status')}
    <div class="qc-actions"><a class="btn btn-primary" href="${BASE}?nuovo">${at('newActivity')}</a></div>
    ${spaces.map((space) => {
      const groups = new Map<number, Session[]>()
      for (const s of bySpace.get(space.id) ?? []) groups.set(s.activity.id, [...(groups.get(s.activity.id) ?? []), s])
      return html`<section class="qc-console-space mb-4" aria-labelledby="space-${space.id}">
        <h2 class="h4" id="space-${space.id}">${atf('activitiesAt', { name: space.name })}</h2>
        <p><a href="/kiosk/${space.slug}">${at('kioskLink')}</a></p>
        ${groups.size
          ? html`<ul class="qc-console-activities list-unstyled">${[...groups.values()].map(activityBlock)}</ul>`
          : html`<p class="qc-empty">${at('noActivitiesYet')}</p>`}
      </section>`
    })}
  </div>`
}

async function overview(ctx: PageContext, spaces: Space[]): Promise<void> {
  const { main, signal } = ctx
  const today = romeDay(new Date())
  let lists: Session[][]
  try {
    lists = await Promise.all(
      spaces.map((s) =>
        activities
          .sessions({ space: s.slug, from: romeToIso(addDays(today, -14)), to: romeToIso(addDays(today, 90)), limit: 100 }, signal)
          .then((p) => p.items),
      ),
    )
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(at('consoleTitle'), err))
    return
  }
  if (signal.aborted) return
  setHtml(main, overviewView(spaces, new Map(spaces.map((s, i) => [s.id, lists[i] ?? []]))))
  const status = main.querySelector<HTMLElement>('#console-status')
  if (ctx.flash && status) setHtml(status, alertBox('success', ctx.flash))
}

// --- one session: registrants, desk, cancel, attendance ---------------------------------------------

function personName(r: SessionRegistration): string {
  if (r.person) return r.person.display_name
  return r.desk_name ? atf('atTheDesk', { name: r.desk_name }) : at('someone')
}

function registrantsView(s: Session, regs: SessionRegistration[]): Safe {
  const began = Date.parse(s.starts_at) <= Date.now()
  const confirmed = regs.filter((r) => r.status === 'confirmed')
  const waiting = regs.filter((r) => r.status === 'waitlisted')
  return html`<section class="qc-panel" aria-labelledby="registrants-heading">
    <h2 class="h4" id="registrants-heading">${atf('registrantsHeading', { n: confirmed.length })}</h2>
    ${regs.length
      ? html`<ul class="qc-registrants list-unstyled">
          ${[...confirmed, ...waiting].map(
            (r) => html`<li class="qc-registrant" data-id="${r.id}" data-status="${r.status}">
              <span class="qc-registrant-name">${personName(r)}</span> ${registrationBadge(r)}
            </li>`,
          )}
        </ul>`
      : html`<p class="qc-empty">${at('noRegistrants')}</p>`}
    ${began && s.status === 'scheduled'
      ? html`<form id="attendance" class="qc-form qc-form-compact" novalidate>
          <fieldset>
            <legend>${at('attendanceLegend')}</legend>
            ${statusRegion('attendance')}
            ${confirmed.map(
              (r) => html`<div class="form-check qc-choice">
                <input type="checkbox" id="att-${r.id}" name="attended" value="${r.id}" ${r.attended ? 'checked' : ''} />
                <label for="att-${r.id}">${personName(r)}</label>
              </div>`,
            )}
            ${inputField('attendance', { name: 'walk_ins', label: at('walkInsLabel'), help: at('walkInsHelp'), inputmode: 'numeric', maxlength: 5 })}
            <button type="submit" class="btn btn-primary">${at('attendanceSave')}</button>
          </fieldset>
        </form>`
      : ''}
  </section>`
}

function sessionView(s: Session, regs: SessionRegistration[]): Safe {
  const a = s.activity
  const began = Date.parse(s.starts_at) <= Date.now()
  return html`<div class="container py-4 qc-narrow qc-console-session-page" data-id="${s.id}">
    ${breadcrumb([{ href: '/attivita', label: at('agendaTitle') }, { href: BASE, label: at('consoleTitle') }, { label: a.title }])}
    <h1>${a.title}</h1>
    <p class="qc-lead">${capitalise(whenText(s, true))} · ${a.space.name}</p>
    <p class="qc-badges">${seatsBadge(s)}</p>
    ${pageStatus('session-status')}
    ${registrantsView(s, regs)}
    ${!began && s.status === 'scheduled'
      ? html`${a.registration_required
            ? html`<section class="qc-panel" aria-labelledby="desk-heading">
                <h2 class="h4" id="desk-heading">${at('deskHeading')}</h2>
                <p>${at('deskExplained')}</p>
                <form id="desk" class="qc-form qc-form-compact" novalidate>
                  ${statusRegion('desk')}
                  ${inputField('desk', { name: 'desk_name', label: at('deskName'), required: true, maxlength: 120 })}
                  <button type="submit" class="btn btn-primary">${at('deskSubmit')}</button>
                </form>
              </section>`
            : ''}
          <section class="qc-panel" aria-labelledby="cancel-heading">
            <h2 class="h4" id="cancel-heading">${at('cancelSessionHeading')}</h2>
            <p>${at('cancelSessionExplained')}</p>
            <form id="cancel-session" class="qc-form qc-form-compact" novalidate>
              ${statusRegion('cancel-session')}
              ${textareaField('cancel-session', 'reason', at('cancelReason'), { rows: 2, maxlength: 500, help: at('cancelReasonHelp') })}
              <button type="submit" class="btn btn-outline-danger">${at('cancelSession')}</button>
              <div class="qc-confirm-slot" id="confirm-cancel-session" hidden></div>
            </form>
          </section>`
      : ''}
    <p><a href="${BASE}">${at('backToConsole')}</a></p>
  </div>`
}

async function sessionPage(ctx: PageContext, sessionId: number): Promise<void> {
  const { main, signal } = ctx
  let s: Session
  let regs: SessionRegistration[]
  const load = async (): Promise<void> => {
    ;[s, regs] = await Promise.all([
      activities.session(sessionId, signal),
      activities.registrants(sessionId, { limit: 100 }, signal).then((p) => p.items),
    ])
  }
  try {
    await load()
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(at('consoleTitle'), err, html`<p><a href="${BASE}">${at('backToConsole')}</a></p>`))
    return
  }
  if (signal.aborted) return
  setTitle(s!.activity.title)
  const draw = (message?: string, kind: 'success' | 'danger' = 'success'): void => {
    setHtml(main, sessionView(s, regs))
    if (message) {
      const status = main.querySelector<HTMLElement>('#session-status')
      if (status) setHtml(status, alertBox(kind, message))
    }
  }
  draw()

  main.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement
    event.preventDefault()
    if (form.id === 'desk') {
      const name = (form.querySelector<HTMLInputElement>('input[name="desk_name"]')?.value ?? '').trim()
      if (name.length < 2) {
        showErrors(form, t('formHasErrors'), { desk_name: [at('deskNameShort')] })
        return
      }
      void busy(form, async () => {
        try {
          const reg = await activities.register(sessionId, newIdempotencyKey(), { desk_name: name })
          await load()
          if (signal.aborted) return
          draw(atf('deskDone', { name, status: reg.status === 'confirmed' ? at('regConfirmed') : at('regWaitlisted') }))
          main.querySelector<HTMLElement>('#desk-desk_name')?.focus()
        } catch (err) {
          if (err instanceof ApiError) showErrors(form, err.message, err.fields)
          else showErrors(form, errorMessage(err), {})
        }
      })
    } else if (form.id === 'cancel-session') {
      const slot = form.querySelector<HTMLElement>('.qc-confirm-slot')
      const reason = (form.querySelector<HTMLTextAreaElement>('textarea[name="reason"]')?.value ?? '').trim()
      if (!slot) return
      askToConfirm(slot, at('cancelSessionQuestion'), at('cancelSessionYes'), async () => {
        try {
          await activities.cancelSession(sessionId, reason || null)
          await load()
          if (signal.aborted) return
          draw(at('sessionCancelledDone'))
          main.querySelector<HTMLElement>('h1')?.focus()
        } catch (err) {
          showErrors(form, errorMessage(err), err instanceof ApiError ? err.fields : {})
        }
      }, form.querySelector<HTMLElement>('button[type="submit"]'))
    } else if (form.id === 'attendance') {
      const raw = (form.querySelector<HTMLInputElement>('input[name="walk_ins"]')?.value ?? '').trim()
      if (raw && !/^\d{1,5}$/.test(raw)) {
        showErrors(form, t('formHasErrors'), { walk_ins: [at('walkInsInvalid')] })
        return
      }
      const checked = new Set(Array.from(form.querySelectorAll<HTMLInputElement>('input[name="attended"]:checked'), (c) => Number(c.value)))
      const attendance = regs
        .filter((r) => r.status === 'confirmed')
        .map((r) => ({ registration_id: r.id, attended: checked.has(r.id) }))
      clearErrors(form)
      void busy(form, async () => {
        try {
          const summary = await activities.attendance(sessionId, { attendance, walk_ins: raw ? Number(raw) : null })
          await load()
          if (signal.aborted) return
          draw(atf('attendanceSaved', { n: summary.attended, absent: summary.absent, walk: summary.walk_ins ?? 0 }))
        } catch (err) {
          if (err instanceof ApiError) showErrors(form, err.message, err.fields)
          else showErrors(form, errorMessage(err), {})
        }
      })
    }
  }, { signal })
}

// --- the form --------------------------------------------------------------------------------------

interface Recurrence {
  kind: 'once' | 'weekly' | 'custom'
  days: string[]
  end: 'until' | 'count' | 'none'
  until: string
  count: string
}

function parseRule(rrule: string | null, startDay: string): Recurrence {
  const base: Recurrence = { kind: 'once', days: [BYDAY[weekdayIndex(startDay)] as string], end: 'count', until: '', count: '10' }
  if (!rrule) return base
  const parts = Object.fromEntries(rrule.replace(/^RRULE:/, '').split(';').map((p) => p.split('=') as [string, string]))
  const simple = Object.keys(parts).every((k) => ['FREQ', 'BYDAY', 'COUNT', 'UNTIL', 'INTERVAL', 'WKST'].includes(k))
  if (parts.FREQ !== 'WEEKLY' || !simple || (parts.INTERVAL && parts.INTERVAL !== '1')) return { ...base, kind: 'custom' }
  const days = parts.BYDAY ? parts.BYDAY.split(',') : base.days
  if (days.some((d) => !BYDAY.includes(d))) return { ...base, kind: 'custom' }
  let until = ''
  if (parts.UNTIL) {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(parts.UNTIL)
    if (m) {
      until = m[4] && m[7] ? romeDay(new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4], +m[5]!, +m[6]!))) : `${m[1]}-${m[2]}-${m[3]}`
    }
  }
  return {
    kind: 'weekly',
    days,
    end: parts.COUNT ? 'count' : parts.UNTIL ? 'until' : 'none',
    until,
    count: parts.COUNT ?? '10',
  }
}

function radio(name: string, value: string, label: string, checked: boolean, help = ''): Safe {
  const id = `${FORM}-${name}-${value}`
  return html`<div class="form-check qc-choice">
    <input type="radio" id="${id}" name="${name}" value="${value}" ${checked ? 'checked' : ''} ${help ? html`aria-describedby="${id}-help"` : ''} />
    <label for="${id}">${label}</label>
    ${help ? html`<small class="form-text qc-choice-help" id="${id}-help">${help}</small>` : ''}
  </div>`
}

function formView(spaces: Space[], categories: Category[], a: Activity | null): Safe {
  const title = a ? at('editTitle') : at('newTitle')
  const startDay = a ? romeDay(a.starts_at) : addDays(romeDay(new Date()), 1)
  const rec = parseRule(a?.rrule ?? null, startDay)
  const names = weekdayNames()
  const languages = a?.languages ?? ['it']
  const offered = [...LANGUAGES, ...languages.filter((c) => !LANGUAGES.includes(c))]
  const price = a && a.price_cents ? (a.price_cents / 100).toFixed(2).replace('.', ',') : ''
  return html`<div class="container py-4 qc-narrow qc-activity-form">
    ${breadcrumb([{ href: '/attivita', label: at('agendaTitle') }, { href: BASE, label: at('consoleTitle') }, { label: title }])}
    <h1>${title}</h1>
    ${a ? html`<p class="qc-lead">${a.title}</p>` : ''}
    <form id="${FORM}" class="qc-form" novalidate>
      ${statusRegion(FORM)}
      ${a
        ? html`<p>${atf('spaceIs', { name: a.space.name })}</p>`
        : selectBox(FORM, 'space_id', at('fieldSpace'), spaces.map((s) => ({ value: String(s.id), label: `${s.name} — ${s.address}` })), String(spaces[0]?.id ?? ''))}
      ${inputField(FORM, { name: 'title', label: at('fieldTitle'), help: at('titleHelp'), required: true, maxlength: 160, value: a?.title ?? '' })}
      ${textareaField(FORM, 'description', at('fieldDescription'), { rows: 5, maxlength: 5000, value: a?.description ?? '', help: at('descriptionHelp') })}
      ${selectBox(FORM, 'category', at('fieldCategory'), [{ value: '', label: at('chooseCategory') }, ...categories.map((c) => ({ value: c.code, label: c.name }))], a?.category ?? '')}
      ${selectBox(FORM, 'audience', at('fieldAudience'), AUDIENCES.map((x) => ({ value: x, label: audienceName(x) })), a?.audience ?? 'everyone')}
      <fieldset class="qc-choices" data-field="languages">
        <legend>${at('fieldLanguages')}</legend>
        <div class="qc-language-grid">
          ${offered.map((code) => {
            const id = `${FORM}-lang-${code}`
            return html`<div class="form-check qc-choice">
              <input type="checkbox" id="${id}" name="languages" value="${code}" ${languages.includes(code) ? 'checked' : ''} />
              <label for="${id}">${languageName(code)}</label>
            </div>`
          })}
        </div>
      </fieldset>
      ${textareaField(FORM, 'accessibility_notes', at('fieldAccessibility'), { rows: 2, maxlength: 500, value: a?.accessibility_notes ?? '', help: at('accessibilityHelp') })}
      ${inputField(FORM, { name: 'price', label: at('fieldPrice'), help: at('priceHelp'), inputmode: 'decimal', maxlength: 10, value: price })}

      <fieldset class="qc-choices qc-when" data-field="schedule">
        <legend>${a ? at('whenLegendEdit') : at('whenLegend')}</legend>
        ${inputField(FORM, { name: 'date', type: 'date', label: at('fieldDate'), required: true, value: startDay })}
        <div class="qc-time-pair">
          <div class="form-group qc-field" data-field="start">
            <label for="${FORM}-start" class="active">${at('fieldStart')}</label>
            <input type="time" class="form-control" id="${FORM}-start" name="start" value="${a ? romeTime(a.starts_at) : '18:00'}" step="300" required aria-required="true" />
          </div>
          <div class="form-group qc-field" data-field="end">
            <label for="${FORM}-end" class="active">${at('fieldEnd')}</label>
            <input type="time" class="form-control" id="${FORM}-end" name="end" value="${a ? romeTime(a.ends_at) : '19:30'}" step="300" required aria-required="true" />
          </div>
        </div>
        <small class="form-text">${at('timesInMilan')}</small>
      </fieldset>

      <fieldset class="qc-choices qc-repeat" data-field="repeat">
        <legend>${at('repeatLegend')}</legend>
        ${rec.kind === 'custom'
          ? html`<p class="qc-note">${atf('customRule', { rule: a?.rrule ?? '' })}</p>
              <input type="hidden" name="repeat" value="custom" />`
          : html`${radio('repeat', 'once', at('repeatOnce'), rec.kind === 'once')}
              ${radio('repeat', 'weekly', at('repeatWeekly'), rec.kind === 'weekly', at('repeatWeeklyHelp'))}
              <div class="qc-weekly" ${rec.kind === 'weekly' ? '' : 'hidden'}>
                <fieldset class="qc-choices" data-field="days">
                  <legend>${at('daysLegend')}</legend>
                  <div class="qc-days-grid">
                    ${BYDAY.map((code, i) => {
                      const id = `${FORM}-day-${code}`
                      return html`<div class="form-check qc-choice">
                        <input type="checkbox" id="${id}" name="days" value="${code}" ${rec.days.includes(code) ? 'checked' : ''} />
                        <label for="${id}">${names[i]}</label>
                      </div>`
                    })}
                  </div>
                </fieldset>
                <fieldset class="qc-choices" data-field="end_kind">
                  <legend>${at('endLegend')}</legend>
                  ${radio('end_kind', 'count', at('endCount'), rec.end === 'count')}
                  ${inputField(FORM, { name: 'count', label: at('fieldCount'), inputmode: 'numeric', maxlength: 3, value: rec.count, help: at('countHelp') })}
                  ${radio('end_kind', 'until', at('endUntil'), rec.end === 'until')}
                  ${inputField(FORM, { name: 'until', type: 'date', label: at('fieldUntil'), value: rec.until })}
                  ${radio('end_kind', 'none', at('endNone'), rec.end === 'none', at('endNoneHelp'))}
                </fieldset>
              </div>`}
      </fieldset>

      <fieldset class="qc-choices qc-booking-rules" data-field="booking">
        <legend>${at('bookingLegend')}</legend>
        <div class="form-check qc-choice">
          <input type="checkbox" id="${FORM}-registration_required" name="registration_required" value="true" ${a?.registration_required ?? true ? 'checked' : ''} aria-describedby="${FORM}-registration_required-help" />
          <label for="${FORM}-registration_required">${at('fieldRegistration')}</label>
          <small class="form-text qc-choice-help" id="${FORM}-registration_required-help">${at('registrationHelp')}</small>
        </div>
        ${inputField(FORM, { name: 'capacity', label: at('fieldCapacity'), help: at('capacityHelp'), inputmode: 'numeric', maxlength: 5, value: a?.capacity ? String(a.capacity) : '' })}
      </fieldset>
      <div class="qc-actions">
        <button type="submit" class="btn btn-primary qc-submit">${a ? at('saveSubmit') : at('publishSubmit')}</button>
        <a class="btn btn-outline-primary" href="${BASE}">${at('backToConsole')}</a>
      </div>
    </form>
  </div>`
}

/** The server's field names → the form's. */
const FIELD_OF: Record<string, string> = {
  starts_at: 'start',
  ends_at: 'end',
  rrule: 'days',
  price_cents: 'price',
}

function wireForm(ctx: PageContext, a: Activity | null): void {
  const { main } = ctx
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement
  const value = (name: string): string =>
    form.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`[name="${name}"]`)?.value ?? ''
  const checked = (name: string): string => form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? ''
  const weekly = form.querySelector<HTMLElement>('.qc-weekly')
  form.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement | null
    if (target?.name === 'repeat' && weekly) weekly.hidden = checked('repeat') !== 'weekly'
    // a new first day: its weekday is one of the meetings' days
    if (target?.name === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(target.value)) {
      const box = form.querySelector<HTMLInputElement>(`input[name="days"][value="${BYDAY[weekdayIndex(target.value)]}"]`)
      if (box) box.checked = true
    }
  })

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const wrong: Record<string, string[]> = {}
    const title = value('title').trim()
    const category = value('category')
    const day = value('date')
    const start = value('start')
    const end = value('end')
    if (title.length < 3) wrong.title = [title ? at('titleTooShort') : t('required')]
    if (!category) wrong.category = [t('required')]
    const languages = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="languages"]:checked'), (c) => c.value)
    if (!languages.length) wrong.languages = [at('languagesRequired')]
    // empty: free
    const priceCents = value('price').trim() ? parseEuro(value('price')) : 0
    if (priceCents === null) wrong.price = [at('priceInvalid')]
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) wrong.date = [t('required')]
    if (!/^\d{2}:\d{2}$/.test(start)) wrong.start = [t('required')]
    if (!/^\d{2}:\d{2}$/.test(end)) wrong.end = [t('required')]
    else if (start && end <= start) wrong.end = [at('endBeforeStart')]
    const capRaw = value('capacity').trim()
    const capacity = capRaw ? (/^\d{1,5}$/.test(capRaw) ? Number(capRaw) : NaN) : null
    if (capacity !== null && (Number.isNaN(capacity) || capacity < 1 || capacity > 10000)) wrong.capacity = [at('capacityInvalid')]

    const repeat = checked('repeat') || value('repeat')
    let rrule: string | null | undefined = null
    if (repeat === 'custom') rrule = a?.rrule ?? null
    else if (repeat === 'weekly') {
      const days = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="days"]:checked'), (c) => c.value)
      if (!days.length) wrong.days = [at('daysRequired')]
      else if (/^\d{4}-\d{2}-\d{2}$/.test(day) && !days.includes(BYDAY[weekdayIndex(day)] as string)) {
        wrong.days = [at('firstDayNotInDays')]
      }
      const endKind = checked('end_kind')
      let tail = ''
      if (endKind === 'count') {
        const n = value('count').trim()
        if (!/^\d{1,3}$/.test(n) || Number(n) < 1 || Number(n) > 500) wrong.count = [at('countInvalid')]
        else tail = `;COUNT=${Number(n)}`
      } else if (endKind === 'until') {
        const until = value('until')
        if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) wrong.until = [t('required')]
        else if (until < day) wrong.until = [at('untilBeforeStart')]
        else tail = `;UNTIL=${until.replace(/-/g, '')}`
      }
      const ordered = BYDAY.filter((d) => days.includes(d))
      rrule = `FREQ=WEEKLY;BYDAY=${ordered.join(',')}${tail}`
    }
    if (Object.keys(wrong).length) {
      showErrors(form, t('formHasErrors'), wrong)
      return
    }
    clearErrors(form)
    const startsAt = `${day}T${start}:00`
    const endsAt = `${day}T${end}:00`
    const payload = {
      title,
      description: value('description').trim(),
      category,
      audience: value('audience') as Audience,
      languages,
      accessibility_notes: value('accessibility_notes').trim(),
      price_cents: priceCents ?? 0,
      capacity,
      registration_required: !!form.querySelector<HTMLInputElement>('input[name="registration_required"]:checked'),
    }
    const schedule = { starts_at: startsAt, ends_at: endsAt, rrule }
    // an edit sends the schedule only when it changed: a series already under way keeps its first date
    const was = (iso: string): string => `${romeDay(iso)}T${romeTime(iso)}:00`
    const rescheduled = (x: Activity): boolean =>
      startsAt !== was(x.starts_at) || endsAt !== was(x.ends_at) || (rrule ?? null) !== (x.rrule ?? null)
    void busy(form, async () => {
      try {
        if (a) await activities.update(a.id, { ...payload, ...(rescheduled(a) ? schedule : {}) })
        else await activities.create({ ...payload, ...schedule, space_id: Number(value('space_id')) })
      } catch (err) {
        const fields: Record<string, string[]> = {}
        if (err instanceof ApiError) {
          for (const [k, v] of Object.entries(err.fields)) {
            const name = FIELD_OF[k] ?? k
            fields[name] = [...(fields[name] ?? []), ...v]
          }
        }
        showErrors(form, errorMessage(err), fields)
        return
      }
      navigate(BASE, { flash: a ? at('saved') : at('published') })
    })
  })
}

async function activityForm(ctx: PageContext, spaces: Space[], editId: number | null): Promise<void> {
  const { main, signal } = ctx
  setTitle(editId === null ? at('newTitle') : at('editTitle'))
  let categories: Category[]
  let a: Activity | null = null
  try {
    ;[categories, a] = await Promise.all([
      activities.categories(signal),
      editId === null ? Promise.resolve(null) : activities.activity(editId, signal),
    ])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(editId === null ? at('newTitle') : at('editTitle'), err, html`<p><a href="${BASE}">${at('backToConsole')}</a></p>`))
    return
  }
  if (signal.aborted) return
  if (a && !spaces.some((s) => s.id === a?.space_id)) {
    setHtml(main, messageView(at('editTitle'), at('notYourSpace'), html`<p><a href="${BASE}">${at('backToConsole')}</a></p>`))
    return
  }
  setHtml(main, formView(spaces, categories, a))
  wireForm(ctx, a)
}

export async function consolePage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(at('consoleTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let spaces: Space[]
  try {
    // fresh roles: a grant given a minute ago counts
    me = await requireUser(ctx, true)
    if (!me) return
    const orgs = scopeIds(me, 'operator')
    spaces = orgs.length ? (await activities.spaces(signal)).filter((s) => s.organisation_id !== null && orgs.includes(s.organisation_id)) : []
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(at('consoleTitle'), err))
    return
  }
  if (signal.aborted) return
  if (!spaces.length) {
    setHtml(main, messageView(at('consoleTitle'), at('operatorsOnly'), html`<p><a href="/attivita">${at('backToAgenda')}</a></p>`))
    return
  }
  spaces.sort((x, y) => x.name.localeCompare(y.name))
  const query = new URLSearchParams(location.search)
  const edit = query.get('modifica') ?? ''
  const session = query.get('sessione') ?? ''
  if (query.has('nuovo')) await activityForm(ctx, spaces, null)
  else if (/^\d{1,9}$/.test(edit)) await activityForm(ctx, spaces, Number(edit))
  else if (/^\d{1,9}$/.test(session)) await sessionPage(ctx, Number(session))
  else await overview(ctx, spaces)
}
