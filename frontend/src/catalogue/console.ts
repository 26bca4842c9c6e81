/**
 * /gestione/servizi — the operators' console: their organisations' services (paused ones
 * too) with "edit" and "pause"/"resume", the requests received (each a link to its page,
 * refreshed live), and — at ?nuovo and ?modifica=<id> — the form that publishes or changes
 * a service: price fields shown for the chosen price model, languages as checkboxes, a
 * weekly-hours editor (per weekday, add and remove opening intervals), closures by date.
 */

import { WEEKDAYS, type Me, type Page, type Space, type Weekday } from '../api'
import { ApiError } from '../api'
import { busy, clearErrors, inputField, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { t, weekdayNames } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { onLiveNotification } from '../notifications'
import { errorMessage } from '../pages/common'
import { breadcrumb, errorView, fieldId, messageView, pageStatus, parseEuro, requireUser, selectBox, textareaField } from '../pages/scaffold'
import { scopeIds } from '../roles'
import { navigate, type PageContext } from '../router'
import {
  PRICE_MODELS,
  catalogue,
  type Category,
  type Closure,
  type Organisation,
  type PriceModel,
  type Service,
  type Language,
  type ServiceRequest,
} from './api'
import { COMMON_LANGUAGES, languageName, languageOwnName, openBadge, priceModelName, priceWords, requestCard } from './common'
import { ct, ctf, type CKey } from './i18n'

const FORM = 'service'
const INCOMING_PAGE = 20
const MAX_INTERVALS = 6
const BASE = '/gestione/servizi'

// --- the overview ---------------------------------------------------------------------------

function serviceRow(s: Service): Safe {
  const paused = s.status === 'paused'
  return html`<li class="qc-console-service" data-id="${s.id}" data-status="${s.status}">
    <h3 class="qc-service-title"><a href="/servizi/${s.id}">${s.title}</a></h3>
    <p class="qc-badges">${openBadge(s)}</p>
    <p class="qc-service-price">${priceWords(s)}</p>
    <div class="qc-actions">
      <a class="btn btn-outline-primary" href="${BASE}?modifica=${s.id}" aria-label="${ctf('editNamed', { title: s.title })}">${ct('edit')}</a>
      <button
        type="button"
        class="btn btn-outline-primary"
        data-toggle-status="${paused ? 'active' : 'paused'}"
        aria-label="${ctf(paused ? 'resumeNamed' : 'pauseNamed', { title: s.title })}"
      >
        ${ct(paused ? 'resume' : 'pause')}
      </button>
    </div>
  </li>`
}

function overviewView(orgs: Organisation[], services: Map<number, Service[]>): Safe {
  return html`<div class="container py-4 qc-console">
    ${breadcrumb([{ href: '/servizi', label: ct('browseTitle') }, { label: ct('consoleTitle') }])}
    <h1>${ct('consoleTitle')}</h1>
    <p>${ct('consoleIntro')}</p>
    ${pageStatus('console-status')}
    <div class="qc-actions">
      <a class="btn btn-primary" href="${BASE}?nuovo">${ct('newService')}</a>
    </div>
    <div class="row">
      <div class="col-12 col-lg-6">
        ${orgs.map(
          (o) => html`<section class="qc-console-org mb-4" aria-labelledby="org-${o.id}">
            <h2 class="h4" id="org-${o.id}">${ctf('servicesOf', { name: o.name })}</h2>
            ${(services.get(o.id) ?? []).length
              ? html`<ul class="qc-console-services list-unstyled">${(services.get(o.id) ?? []).map(serviceRow)}</ul>`
              : html`<p class="qc-empty">${ct('noServicesYet')}</p>`}
          </section>`,
        )}
      </div>
      <section class="col-12 col-lg-6 mb-4 qc-incoming" aria-labelledby="incoming-heading">
        <h2 class="h4" id="incoming-heading">${ct('incomingHeading')}</h2>
        <ul class="qc-requests list-unstyled"></ul>
        <p class="qc-empty" hidden>${ct('noIncoming')}</p>
        <button type="button" class="btn btn-outline-primary qc-load-more" hidden>${ct('loadMoreIncoming')}</button>
      </section>
    </div>
  </div>`
}

async function overview(ctx: PageContext, orgs: Organisation[]): Promise<void> {
  const { main, signal } = ctx
  let services: Map<number, Service[]>
  let first: Page<ServiceRequest>
  try {
    const lists = await Promise.all(
      orgs.map((o) => catalogue.services({ organisation: o.id, include_paused: true, limit: 100 }, signal)),
    )
    services = new Map(orgs.map((o, i) => [o.id, lists[i]?.items ?? []]))
    first = await catalogue.requests({ incoming: true, limit: INCOMING_PAGE }, signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ct('consoleTitle'), err))
    return
  }
  if (signal.aborted) return
  setHtml(main, overviewView(orgs, services))
  const status = main.querySelector<HTMLElement>('#console-status') as HTMLElement
  if (ctx.flash) setHtml(status, alertBox('success', ctx.flash))

  // pause / resume
  main.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-toggle-status]')
    const row = button?.closest<HTMLElement>('li[data-id]')
    if (!button || !row) return
    const next = button.dataset.toggleStatus === 'active' ? 'active' : 'paused'
    button.disabled = true
    catalogue
      .updateService(Number(row.dataset.id), { status: next })
      .then((updated) => {
        if (signal.aborted) return
        row.outerHTML = serviceRow(updated).value
        setHtml(status, alertBox('success', ct(next === 'paused' ? 'paused' : 'resumed')))
        main.querySelector<HTMLElement>(`li[data-id="${updated.id}"] button[data-toggle-status]`)?.focus()
      })
      .catch((err: unknown) => {
        button.disabled = false
        setHtml(status, alertBox('danger', errorMessage(err)))
      })
  })

  // requests received
  const list = main.querySelector<HTMLUListElement>('.qc-incoming .qc-requests') as HTMLUListElement
  const empty = main.querySelector<HTMLElement>('.qc-incoming .qc-empty') as HTMLElement
  const more = main.querySelector<HTMLButtonElement>('.qc-incoming .qc-load-more') as HTMLButtonElement
  let cursor = first.next_cursor
  const show = (items: ServiceRequest[], replace: boolean): HTMLElement | null => {
    const before = replace ? null : list.lastElementChild
    const markup = items.map((r) => requestCard(r, 'incoming', 3).value).join('')
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
    catalogue
      .requests({ incoming: true, limit: INCOMING_PAGE, cursor })
      .then((page) => {
        if (signal.aborted) return
        const known = new Set(Array.from(list.children, (li) => (li as HTMLElement).dataset.id))
        cursor = page.next_cursor
        show(page.items.filter((r) => !known.has(String(r.id))), false)?.querySelector<HTMLElement>('a')?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        more.disabled = false
      })
  })
  const stop = onLiveNotification((note) => {
    if (note.kind !== 'catalogue.request') return
    const shown = Math.min(100, Math.max(INCOMING_PAGE, list.children.length))
    catalogue
      .requests({ incoming: true, limit: shown })
      .then((page) => {
        if (signal.aborted) return
        const active = document.activeElement?.getAttribute('href')
        cursor = page.next_cursor
        show(page.items, true)
        if (active) list.querySelector<HTMLElement>(`a[href="${CSS.escape(active)}"]`)?.focus()
        setHtml(status, alertBox('info', note.title))
      })
      .catch(() => undefined)
  })
  signal.addEventListener('abort', stop)
}

// --- the form ---------------------------------------------------------------------------------

type Interval = [string, string]
type Week = Record<Weekday, Interval[]>

function emptyWeek(): Week {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }
}

/** A closing time of 24:00 is shown as 00:00 (a time field stops at 23:59), and read back. */
const shownTime = (t: string): string => (t === '24:00' ? '00:00' : t)

function intervalView(day: Weekday, dayName: string, i: number, [from, to]: Interval): Safe {
  const n = i + 1
  const where = ctf('intervalN', { n, day: dayName })
  const input = (part: 'from' | 'to', value: string): Safe => {
    const id = fieldId(FORM, `h-${day}-${i}-${part}`)
    return html`<div class="qc-time">
      <label for="${id}" class="active">${ct(part)}<span class="visually-hidden">, ${where}</span></label>
      <input type="time" class="form-control" id="${id}" name="h-${day}-${i}-${part}" value="${value}" step="300" />
    </div>`
  }
  return html`<li class="qc-interval" data-index="${i}">
    ${input('from', from)} ${input('to', shownTime(to))}
    <button type="button" class="btn btn-outline-danger qc-remove" data-remove-interval="${i}" aria-label="${ctf('removeIntervalNamed', { n, day: dayName })}">
      ${ct('removeInterval')}
    </button>
  </li>`
}

function dayView(day: Weekday, dayName: string, intervals: Interval[]): Safe {
  return html`<fieldset class="qc-day" data-day="${day}">
    <legend>${dayName}</legend>
    ${intervals.length
      ? html`<ul class="qc-intervals list-unstyled">${intervals.map((iv, i) => intervalView(day, dayName, i, iv))}</ul>`
      : html`<p class="qc-day-closed">${ct('dayClosed')}</p>`}
    <button
      type="button"
      class="btn btn-outline-primary btn-sm qc-add"
      data-add-interval="${day}"
      aria-label="${ctf('addIntervalDay', { day: dayName })}"
      ${intervals.length >= MAX_INTERVALS ? 'disabled' : ''}
    >
      ${ct('addInterval')}
    </button>
  </fieldset>`
}

function closureView(c: Closure, i: number): Safe {
  const n = i + 1
  const field = (name: string, label: string, type: 'date' | 'text', value: string): Safe => {
    const id = fieldId(FORM, `c-${i}-${name}`)
    return html`<div class="form-group qc-field">
      <label for="${id}" class="active">${label}<span class="visually-hidden">, ${ctf('closureN', { n })}</span></label>
      <input type="${type}" class="form-control" id="${id}" name="c-${i}-${name}" value="${value}" ${type === 'text' ? html`maxlength="200"` : ''} />
    </div>`
  }
  return html`<li class="qc-closure-row" data-index="${i}">
    <p class="qc-closure-name">${ctf('closureN', { n })}</p>
    ${field('from', ct('closureFrom'), 'date', c.starts_on)} ${field('to', ct('closureTo'), 'date', c.ends_on)}
    ${field('reason', ct('closureReason'), 'text', c.reason)}
    <button type="button" class="btn btn-outline-danger btn-sm" data-remove-closure="${i}" aria-label="${ctf('removeClosureNamed', { n })}">
      ${ct('removeClosure')}
    </button>
  </li>`
}

interface FormData0 {
  orgs: Organisation[]
  spaces: Space[]
  categories: Category[]
  service: Service | null
}

function spaceOptions(spaces: Space[]): { value: string; label: string }[] {
  return [...spaces.map((x) => ({ value: String(x.id), label: `${x.name} — ${x.address}` })), { value: '', label: ct('noSpaceOption') }]
}

function formView(d: FormData0): Safe {
  const s = d.service
  const names = weekdayNames()
  const org = s?.organisation.id ?? d.orgs[0]?.id ?? 0
  // only the chosen organisation's spaces: a service is offered at its own organisation's
  // space (the server refuses any other with 403)
  const own = d.spaces.filter((x) => x.organisation_id === org)
  const spaceSelected = s ? (s.space_id === null ? '' : String(s.space_id)) : String(own[0]?.id ?? '')
  const model: PriceModel = s?.price_model ?? 'free'
  const languages = s?.languages ?? ['it']
  const offered = [...COMMON_LANGUAGES, ...languages.filter((c) => !COMMON_LANGUAGES.includes(c))]
  const week = { ...emptyWeek(), ...(s?.availability ?? {}) } as Week
  const price = s?.price_cents ? (s.price_cents / 100).toFixed(2).replace('.', ',') : ''
  const title = s ? ct('editTitle') : ct('newTitle')
  return html`<div class="container py-4 qc-narrow qc-service-form">
    ${breadcrumb([{ href: '/servizi', label: ct('browseTitle') }, { href: BASE, label: ct('consoleTitle') }, { label: title }])}
    <h1>${title}</h1>
    ${s ? html`<p class="qc-lead">${s.title}</p>` : ''}
    <form id="${FORM}" class="qc-form" novalidate>
      ${statusRegion(FORM)}
      ${s
        ? ''
        : d.orgs.length > 1
          ? selectBox(FORM, 'organisation_id', ct('fieldOrganisation'), d.orgs.map((o) => ({ value: String(o.id), label: o.name })), String(org))
          : html`<input type="hidden" name="organisation_id" value="${org}" />`}
      ${selectBox(
        FORM,
        'space_id',
        ct('fieldSpace'),
        spaceOptions(own),
        spaceSelected,
      )}
      ${inputField(FORM, { name: 'title', label: ct('fieldTitle'), help: ct('titleHelp'), required: true, maxlength: 160, value: s?.title ?? '' })}
      ${textareaField(FORM, 'description', ct('fieldDescription'), {
        help: ct('descriptionHelp'),
        required: true,
        rows: 5,
        maxlength: 5000,
        value: s?.description ?? '',
      })}
      ${selectBox(
        FORM,
        'category',
        ct('fieldCategory'),
        [{ value: '', label: ct('chooseCategory') }, ...d.categories.map((c) => ({ value: c.code, label: c.name }))],
        s?.category ?? '',
        { required: true },
      )}
      <fieldset class="qc-choices qc-price-model" data-field="price_model">
        <legend>${ct('priceLegend')}</legend>
        ${PRICE_MODELS.map((m) => {
          const id = fieldId(FORM, `price_model-${m}`)
          return html`<div class="form-check qc-choice">
            <input type="radio" id="${id}" name="price_model" value="${m}" ${m === model ? 'checked' : ''} aria-describedby="${id}-help" />
            <label for="${id}">${priceModelName(m)}</label>
            <small class="form-text qc-choice-help" id="${id}-help">${ct(`priceModelHelp_${m}` as CKey)}</small>
          </div>`
        })}
      </fieldset>
      <div class="qc-price-fields">
        <div class="qc-price-money" ${model === 'fixed' || model === 'sliding' ? '' : 'hidden'}>
          <div class="form-group qc-field" data-field="price">
            <label for="${FORM}-price" class="active qc-price-label">${ct(model === 'sliding' ? 'fieldFullPrice' : 'fieldPrice')}</label>
            <input type="text" class="form-control" id="${FORM}-price" name="price" value="${price}" inputmode="decimal" maxlength="10" aria-describedby="${FORM}-price-help" />
            <small class="form-text" id="${FORM}-price-help">${ct('priceHelp')}</small>
          </div>
        </div>
        <div class="qc-price-minutes" ${model === 'timebank' ? '' : 'hidden'}>
          ${inputField(FORM, {
            name: 'minutes',
            label: ct('fieldMinutes'),
            help: ct('minutesHelp'),
            inputmode: 'numeric',
            maxlength: 4,
            value: s?.minutes ? String(s.minutes) : '',
          })}
        </div>
      </div>
      <fieldset class="qc-choices qc-languages" data-field="languages" aria-describedby="${FORM}-languages-help">
        <legend>${ct('languagesLegend')}</legend>
        <small class="form-text qc-choice-help" id="${FORM}-languages-help">${ct('languagesHelp')}</small>
        <div class="qc-language-grid">
          ${offered.map((code) => {
            const id = fieldId(FORM, `lang-${code}`)
            const ownName = languageOwnName(code)
            return html`<div class="form-check qc-choice">
              <input type="checkbox" id="${id}" name="languages" value="${code}" ${languages.includes(code) ? 'checked' : ''} />
              <label for="${id}">${languageName(code)}${ownName ? html` <span lang="${code}">(${ownName})</span>` : ''}</label>
            </div>`
          })}
        </div>
      </fieldset>
      <fieldset class="qc-week" data-field="availability" aria-describedby="${FORM}-hours-help">
        <legend>${ct('hoursLegend')}</legend>
        <small class="form-text qc-choice-help" id="${FORM}-hours-help">${ct('hoursHelp')}</small>
        ${WEEKDAYS.map((day, i) => dayView(day, names[i] ?? day, week[day] ?? []))}
      </fieldset>
      <fieldset class="qc-closures-editor" data-field="closures" aria-describedby="${FORM}-closures-help">
        <legend>${ct('closuresLegend')}</legend>
        <small class="form-text qc-choice-help" id="${FORM}-closures-help">${ct('closuresHelp')}</small>
        <ul class="qc-closure-list list-unstyled">${(s?.closures ?? []).map(closureView)}</ul>
        <button type="button" class="btn btn-outline-primary btn-sm" data-add-closure>${ct('addClosure')}</button>
        <div class="form-check qc-choice qc-holidays">
          <input type="checkbox" id="${FORM}-closed_on_holidays" name="closed_on_holidays" value="true" ${s?.closed_on_holidays === false ? '' : 'checked'} aria-describedby="${FORM}-closed_on_holidays-help" />
          <label for="${FORM}-closed_on_holidays">${ct('holidaysLabel')}</label>
          <small class="form-text qc-choice-help" id="${FORM}-closed_on_holidays-help">${ct('holidaysHelp')}</small>
        </div>
      </fieldset>
      ${textareaField(FORM, 'accessibility', ct('fieldAccessibility'), {
        help: ct('accessibilityHelp'),
        rows: 2,
        maxlength: 1000,
        value: s?.accessibility ?? '',
      })}
      <div class="qc-actions">
        <button type="submit" class="btn btn-primary qc-submit">${ct(s ? 'saveSubmit' : 'publishSubmit')}</button>
        <a class="btn btn-outline-primary" href="${BASE}">${ct('cancelEdit')}</a>
      </div>
    </form>
  </div>`
}

function wireForm(ctx: PageContext, d: FormData0): void {
  const { main } = ctx
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement
  const names = weekdayNames()
  const value = (name: string): string => form.querySelector<HTMLInputElement>(`[name="${name}"]`)?.value ?? ''

  // --- price model: show the fields it needs
  const money = form.querySelector<HTMLElement>('.qc-price-money') as HTMLElement
  const minutes = form.querySelector<HTMLElement>('.qc-price-minutes') as HTMLElement
  const priceLabel = form.querySelector<HTMLElement>('.qc-price-label') as HTMLElement
  const model = (): PriceModel =>
    (form.querySelector<HTMLInputElement>('input[name="price_model"]:checked')?.value as PriceModel | undefined) ?? 'free'
  form.addEventListener('change', (event) => {
    if (!(event.target as Element | null)?.matches('input[name="price_model"]')) return
    const m = model()
    money.hidden = m !== 'fixed' && m !== 'sliding'
    minutes.hidden = m !== 'timebank'
    priceLabel.textContent = ct(m === 'sliding' ? 'fieldFullPrice' : 'fieldPrice')
  })

  // --- another organisation chosen: its spaces, and only those
  form.querySelector<HTMLSelectElement>('select[name="organisation_id"]')?.addEventListener('change', (event) => {
    const org = Number((event.target as HTMLSelectElement).value)
    const select = form.querySelector<HTMLSelectElement>('select[name="space_id"]')
    if (!select) return
    select.replaceChildren(
      ...spaceOptions(d.spaces.filter((x) => x.organisation_id === org)).map((o) => new Option(o.label, o.value)),
    )
    select.selectedIndex = 0
  })

  // --- weekly hours: the DOM is the state; a day is redrawn from what is typed in it
  const readDay = (day: Weekday): Interval[] =>
    Array.from(form.querySelectorAll<HTMLElement>(`.qc-day[data-day="${day}"] .qc-interval`), (li) => {
      const i = li.dataset.index ?? '0'
      return [value(`h-${day}-${i}-from`), value(`h-${day}-${i}-to`)] as Interval
    })
  const redrawDay = (day: Weekday, intervals: Interval[]): HTMLElement => {
    const box = form.querySelector<HTMLElement>(`.qc-day[data-day="${day}"]`) as HTMLElement
    const index = WEEKDAYS.indexOf(day)
    // `to` of 00:00 is kept as typed: the day view shows it back as it was
    box.outerHTML = dayView(day, names[index] ?? day, intervals).value
    return form.querySelector<HTMLElement>(`.qc-day[data-day="${day}"]`) as HTMLElement
  }
  const readClosures = (): Closure[] =>
    Array.from(form.querySelectorAll<HTMLElement>('.qc-closure-row'), (li) => {
      const i = li.dataset.index ?? '0'
      return { starts_on: value(`c-${i}-from`), ends_on: value(`c-${i}-to`), reason: value(`c-${i}-reason`) }
    })
  const redrawClosures = (closures: Closure[]): HTMLElement => {
    const list = form.querySelector<HTMLElement>('.qc-closure-list') as HTMLElement
    setHtml(list, html`${closures.map(closureView)}`)
    return list
  }

  form.addEventListener('click', (event) => {
    const target = event.target as Element | null
    const add = target?.closest<HTMLButtonElement>('button[data-add-interval]')
    if (add) {
      const day = add.dataset.addInterval as Weekday
      const intervals = readDay(day)
      if (intervals.length >= MAX_INTERVALS) return
      const last = intervals[intervals.length - 1]
      intervals.push(last ? [last[1] === '00:00' ? '' : last[1], ''] : ['09:00', '12:00'])
      const box = redrawDay(day, intervals)
      box.querySelector<HTMLInputElement>(`.qc-interval:last-child input`)?.focus()
      return
    }
    const remove = target?.closest<HTMLButtonElement>('button[data-remove-interval]')
    if (remove) {
      const day = remove.closest<HTMLElement>('.qc-day')?.dataset.day as Weekday
      const intervals = readDay(day)
      intervals.splice(Number(remove.dataset.removeInterval), 1)
      redrawDay(day, intervals).querySelector<HTMLElement>('button[data-add-interval]')?.focus()
      return
    }
    if (target?.closest('button[data-add-closure]')) {
      const closures = readClosures()
      closures.push({ starts_on: '', ends_on: '', reason: '' })
      redrawClosures(closures).querySelector<HTMLInputElement>('.qc-closure-row:last-child input')?.focus()
      return
    }
    const removeClosure = target?.closest<HTMLButtonElement>('button[data-remove-closure]')
    if (removeClosure) {
      const closures = readClosures()
      closures.splice(Number(removeClosure.dataset.removeClosure), 1)
      redrawClosures(closures)
      form.querySelector<HTMLElement>('button[data-add-closure]')?.focus()
    }
  })

  // --- submit
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const wrong: Record<string, string[]> = {}
    const title = value('title').trim()
    const description = (form.querySelector<HTMLTextAreaElement>('textarea[name="description"]')?.value ?? '').trim()
    const category = form.querySelector<HTMLSelectElement>('select[name="category"]')?.value ?? ''
    if (!title) wrong.title = [t('required')]
    else if (title.length < 3) wrong.title = [ct('titleTooShort')]
    if (!description) wrong.description = [t('required')]
    if (!category) wrong.category = [t('required')]
    const m = model()
    let priceCents: number | null = null
    let mins: number | null = null
    if (m === 'fixed' || m === 'sliding') {
      const cents = parseEuro(value('price'))
      priceCents = cents !== null && cents >= 1 ? cents : null // a price, not zero
      if (priceCents === null) wrong.price = [ct('priceInvalid')]
    } else if (m === 'timebank') {
      const raw = value('minutes').trim()
      mins = /^\d{1,4}$/.test(raw) ? Number(raw) : null
      if (mins === null || mins < 1 || mins > 1440) wrong.minutes = [ct('minutesInvalid')]
    }
    const languages = Array.from(
      form.querySelectorAll<HTMLInputElement>('input[name="languages"]:checked'),
      (c) => c.value as Language,
    )
    const orphans: string[] = []
    if (!languages.length) orphans.push(ct('languagesRequired'))

    const availability = emptyWeek()
    for (const day of WEEKDAYS) {
      const intervals = readDay(day)
      const kept: { iv: Interval; i: number }[] = []
      intervals.forEach(([from, to], i) => {
        if (!from && !to) return // an empty row: ignored
        if (!from || !to) {
          wrong[`h-${day}-${i}-${from ? 'to' : 'from'}`] = [ct('intervalIncomplete')]
          return
        }
        const end = to === '00:00' ? '24:00' : to
        if (end <= from) {
          wrong[`h-${day}-${i}-to`] = [ct('intervalOrder')]
          return
        }
        kept.push({ iv: [from, end], i })
      })
      kept.sort((a, b) => (a.iv[0] < b.iv[0] ? -1 : 1))
      for (let k = 1; k < kept.length; k++) {
        const prev = kept[k - 1]
        const cur = kept[k]
        if (prev && cur && prev.iv[1] > cur.iv[0]) wrong[`h-${day}-${cur.i}-from`] = [ct('intervalOverlap')]
      }
      availability[day] = kept.map((x) => x.iv)
    }

    const closures: Closure[] = []
    readClosures().forEach((c, i) => {
      if (!c.starts_on && !c.ends_on && !c.reason.trim()) return
      if (!c.starts_on || !c.ends_on) {
        wrong[`c-${i}-${c.starts_on ? 'to' : 'from'}`] = [ct('closureDates')]
        return
      }
      if (c.ends_on < c.starts_on) {
        wrong[`c-${i}-to`] = [ct('closureOrder')]
        return
      }
      closures.push({ starts_on: c.starts_on, ends_on: c.ends_on, reason: c.reason.trim() })
    })

    if (Object.keys(wrong).length || orphans.length) {
      showErrors(form, t('formHasErrors'), { ...wrong, ...(orphans.length ? { _languages: orphans } : {}) })
      if (!Object.keys(wrong).length) form.querySelector<HTMLElement>('input[name="languages"]')?.focus()
      return
    }
    clearErrors(form)
    const spaceValue = form.querySelector<HTMLSelectElement>('select[name="space_id"]')?.value ?? ''
    const payload = {
      space_id: spaceValue ? Number(spaceValue) : null,
      title,
      description,
      category,
      price_model: m,
      price_cents: priceCents,
      minutes: mins,
      languages,
      accessibility: (form.querySelector<HTMLTextAreaElement>('textarea[name="accessibility"]')?.value ?? '').trim(),
      availability,
      closures,
      closed_on_holidays: !!form.querySelector<HTMLInputElement>('input[name="closed_on_holidays"]')?.checked,
    }
    const editing = d.service
    const organisationId = Number(value('organisation_id') || form.querySelector<HTMLSelectElement>('select[name="organisation_id"]')?.value)
    void busy(form, async () => {
      try {
        if (editing) await catalogue.updateService(editing.id, payload)
        else await catalogue.createService({ ...payload, organisation_id: organisationId })
      } catch (err) {
        // the server's field names → the form's; what has no field is listed at the top
        const fields: Record<string, string[]> = {}
        if (err instanceof ApiError) {
          for (const [k, v] of Object.entries(err.fields)) {
            const name = k === 'price_cents' ? 'price' : k === 'languages' ? '_languages' : k
            fields[name] = [...(fields[name] ?? []), ...v]
          }
        }
        showErrors(form, errorMessage(err), fields)
        return
      }
      navigate(BASE, { flash: ct(editing ? 'saved' : 'published') })
    })
  })
}

async function serviceForm(ctx: PageContext, orgs: Organisation[], editId: number | null): Promise<void> {
  const { main, signal } = ctx
  setTitle(ct(editId === null ? 'newTitle' : 'editTitle'))
  let data: FormData0
  try {
    const [spaces, categories, service] = await Promise.all([
      catalogue.spaces(undefined, signal),
      catalogue.categories(signal),
      editId === null ? Promise.resolve(null) : catalogue.service(editId, signal),
    ])
    data = { orgs, spaces, categories, service }
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ct(editId === null ? 'newTitle' : 'editTitle'), err, html`<p><a href="${BASE}">${ct('cancelEdit')}</a></p>`))
    return
  }
  if (signal.aborted) return
  if (data.service && !data.service.mine) {
    setHtml(main, messageView(ct('editTitle'), ct('operatorsOnly'), html`<p><a href="${BASE}">${ct('cancelEdit')}</a></p>`))
    return
  }
  setHtml(main, formView(data))
  wireForm(ctx, data)
}

export async function consolePage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ct('consoleTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let orgs: Organisation[]
  try {
    // fresh roles: a grant given a minute ago counts
    me = await requireUser(ctx, true)
    if (!me) return
    orgs = await Promise.all(scopeIds(me, 'operator').map((id) => catalogue.organisation(id, signal)))
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ct('consoleTitle'), err))
    return
  }
  if (signal.aborted) return
  if (!orgs.length) {
    setHtml(main, messageView(ct('consoleTitle'), ct('operatorsOnly'), html`<p><a href="/servizi">${ct('backToServices')}</a></p>`))
    return
  }
  const query = new URLSearchParams(location.search)
  const edit = query.get('modifica') ?? ''
  if (query.has('nuovo')) await serviceForm(ctx, orgs, null)
  else if (/^\d{1,9}$/.test(edit)) await serviceForm(ctx, orgs, Number(edit))
  else await overview(ctx, orgs)
}
