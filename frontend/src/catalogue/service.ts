/**
 * /servizi/<id> — one service: what it is, who runs it and where (a link to the
 * organisation's page and to the space's), the price in words, the languages, the weekly
 * hours as a table, closures, accessibility, "Aperto ora" / "Chiuso ora"; and the request
 * form (message and preferred times) for signed-in people — a sign-in link otherwise.
 * A request is sent with an Idempotency-Key: a double tap or a retry never asks twice.
 */

import { ApiError, type Me, type Space } from '../api'
import { busy, clearErrors, formValues, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { icon } from '../icons'
import { t } from '../i18n'
import { loadingView, setTitle } from '../layout'
import { breadcrumb, errorView, messageView, paragraphs, textareaField } from '../pages/scaffold'
import { navigate, type PageContext } from '../router'
import { loadSession } from '../session'
import { catalogue, newIdempotencyKey, type Category, type Service } from './api'
import { closureText, duration, hoursTable, languageName, openBadge, priceWords, upcomingClosures } from './common'
import { ct, ctf } from './i18n'

const FORM = 'ask'

function fact(label: string, value: Safe | string, cls: string): Safe {
  return html`<div><dt>${label}</dt><dd class="${cls}">${value}</dd></div>`
}

function whereView(space: Space | null): Safe {
  if (!space) return html`${ct('noSpace')}`
  return html`<a href="/spazi/${space.slug}">${space.name}</a><span class="qc-address">${space.address}</span>`
}

function askView(s: Service, me: Me | null): Safe {
  if (s.status !== 'active') return html`<div class="qc-ask-closed">${paragraphs(ct('pausedExplained'))}</div>`
  if (s.mine) {
    return html`<p>${ct('yoursExplained')}</p>
      <p><a href="/gestione/servizi?modifica=${s.id}">${ct('editInConsole')}</a></p>`
  }
  if (!me) {
    const next = encodeURIComponent(`/servizi/${s.id}`)
    return html`<div class="qc-actions">
      <a class="btn btn-primary" href="/accedi?next=${next}">${ct('signInToAsk')}</a>
      <a class="btn btn-outline-primary" href="/registrati">${ct('registerToAsk')}</a>
    </div>`
  }
  return html`<p>${ct('askIntro')}</p>
    ${s.price_model === 'timebank' && s.minutes
      ? html`<p class="qc-note qc-ask-timebank">${ctf('askTimebankNote', { d: duration(s.minutes), org: s.organisation.name })}</p>`
      : ''}
    <form id="${FORM}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(FORM)}
      ${textareaField(FORM, 'message', ct('askMessage'), { help: ct('askMessageHelp'), required: true, rows: 4, maxlength: 2000 })}
      ${textareaField(FORM, 'preferred_times', ct('askTimes'), { help: ct('askTimesHelp'), rows: 2, maxlength: 500 })}
      <button type="submit" class="btn btn-primary qc-submit">${ct('askSubmit')}</button>
    </form>`
}

function pageView(s: Service, space: Space | null, category: string, me: Me | null): Safe {
  const closures = upcomingClosures(s.closures)
  return html`<div class="container py-4 qc-service-page" data-id="${s.id}">
    ${breadcrumb([{ href: '/servizi', label: ct('browseTitle') }, { label: s.title }])}
    <h1 class="qc-service-heading">${s.title}</h1>
    <p class="qc-badges">${openBadge(s)}<span class="qc-badge">${category}</span></p>
    <dl class="qc-facts">
      ${fact(ct('factWho'), html`<a href="/organizzazioni/${s.organisation.slug}">${s.organisation.name}</a>`, 'qc-fact-org')}
      ${fact(ct('factWhere'), whereView(space), 'qc-fact-where')}
      ${fact(ct('factPrice'), priceWords(s), 'qc-fact-price')}
      ${fact(ct('factLanguages'), s.languages.map(languageName).join(', '), 'qc-fact-languages')}
    </dl>
    <div class="row">
      <section class="col-12 col-lg-7 mb-4" aria-labelledby="service-about">
        <h2 id="service-about" class="h4">${ct('aboutHeading')}</h2>
        <div class="qc-service-description">${paragraphs(s.description)}</div>
        ${s.accessibility
          ? html`<h2 class="h5" id="service-access">${ct('accessibilityHeading')}</h2>
              <div class="qc-service-accessibility">${paragraphs(s.accessibility)}</div>`
          : ''}
      </section>
      <section class="col-12 col-lg-5 mb-4" aria-labelledby="service-hours">
        <h2 id="service-hours" class="h4">${icon('it-clock', 'icon-primary')} ${ct('weeklyHours')}</h2>
        <p class="qc-hours-note">${ct('timesInMilan')}</p>
        ${hoursTable(s.availability, ct('weeklyHours'))}
        <h3 class="h5">${ct('closuresHeading')}</h3>
        <ul class="qc-closures">
          <li>${s.closed_on_holidays ? ct('closedOnHolidays') : ct('openOnHolidays')}</li>
          ${closures.map((c) => html`<li>${closureText(c)}</li>`)}
        </ul>
      </section>
    </div>
    <section class="qc-panel qc-ask" aria-labelledby="ask-heading">
      <h2 class="h4" id="ask-heading">${ct('askHeading')}</h2>
      ${askView(s, me)}
    </section>
  </div>`
}

export async function servicePage(ctx: PageContext): Promise<void> {
  const { main, signal, params } = ctx
  setTitle(ct('serviceTitle'))
  if (!/^\d{1,9}$/.test(params.service_id ?? '')) {
    setHtml(main, messageView(ct('serviceNotFoundTitle'), ct('serviceNotFoundTitle'), backLink()))
    return
  }
  const serviceId = Number(params.service_id)
  setHtml(main, loadingView())
  let s: Service
  let me: Me | null
  let categories: Category[]
  let space: Space | null = null
  try {
    ;[s, me, categories] = await Promise.all([
      catalogue.service(serviceId, signal),
      loadSession().catch(() => null),
      catalogue.categories(signal),
    ])
    if (s.space_id !== null) space = await catalogue.space(s.space_id, signal).catch(() => null)
  } catch (err) {
    if (signal.aborted) throw err
    const missing = err instanceof ApiError && err.status === 404
    setTitle(missing ? ct('serviceNotFoundTitle') : ct('serviceTitle'))
    setHtml(main, errorView(missing ? ct('serviceNotFoundTitle') : ct('serviceTitle'), err, backLink()))
    return
  }
  if (signal.aborted) return
  setTitle(s.title)
  const category = categories.find((c) => c.code === s.category)?.name ?? s.category
  setHtml(main, pageView(s, space, category, me))

  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  // one key per request body: a double tap, or a retry after a lost answer, reuses it (the
  // server then answers with the first result); a changed message is a new request
  let sent: { body: string; key: string } | null = null
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const v = formValues(form)
    const message = (v.message ?? '').trim()
    if (!message) {
      showErrors(form, t('formHasErrors'), { message: [t('required')] })
      return
    }
    clearErrors(form)
    const body = { message, preferred_times: (v.preferred_times ?? '').trim() }
    const signature = JSON.stringify(body)
    if (sent?.body !== signature) sent = { body: signature, key: newIdempotencyKey() }
    const key = sent.key
    void busy(form, async () => {
      try {
        const created = await catalogue.ask(s.id, body, key)
        navigate(`/servizi/richieste/${created.id}`, { flash: ctf('askSent', { org: s.organisation.name }) })
      } catch (err) {
        // a refusal (4xx) will not change on a retry with the same key: next time, a new one
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) sent = null
        showApiError(form, err)
      }
    })
  })
}

function backLink(): Safe {
  return html`<p><a href="/servizi">${ct('backToServices')}</a></p>`
}
