import { ApiError, WEEKDAYS, api, type OpeningHours, type SpaceDetail } from '../api'
import { html, setHtml } from '../html'
import { t, weekdayNames } from '../i18n'
import { icon } from '../icons'
import { alertBox, loadingView, setTitle } from '../layout'
import type { PageContext } from '../router'
import { errorMessage } from './common'

function hoursTable(hours: OpeningHours | null) {
  const names = weekdayNames()
  return html`<table class="table qc-hours">
    <caption class="visually-hidden">${t('spaceHours')}</caption>
    <thead>
      <tr>
        <th scope="col">${t('day')}</th>
        <th scope="col">${t('hours')}</th>
      </tr>
    </thead>
    <tbody>
      ${WEEKDAYS.map((day, i) => {
        const slots = hours?.[day] ?? []
        return html`<tr data-day="${day}">
          <th scope="row">${names[i]}</th>
          <td>
            ${slots.length
              ? slots.map(([from, to], j) => html`${j ? ', ' : ''}<span class="qc-slot">${from}–${to}</span>`)
              : html`<span class="qc-closed">${t('closed')}</span>`}
          </td>
        </tr>`
      })}
    </tbody>
  </table>`
}

function paragraphs(text: string) {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p>${p}</p>`)
}

function spaceView(space: SpaceDetail) {
  return html`<div class="container py-4 qc-space" data-slug="${space.slug}">
    <nav class="breadcrumb-container" aria-label="${t('breadcrumb')}">
      <ol class="breadcrumb">
        <li class="breadcrumb-item"><a href="/">${t('home')}</a><span class="separator" aria-hidden="true">/</span></li>
        <li class="breadcrumb-item active" aria-current="page">${space.name}</li>
      </ol>
    </nav>
    <h1 class="qc-space-name">${space.name}</h1>
    <dl class="qc-facts">
      ${space.area
        ? html`<div><dt>${t('spaceArea')}</dt><dd class="qc-space-area">${space.area.name}</dd></div>`
        : ''}
      ${space.complex
        ? html`<div><dt>${t('spaceComplex')}</dt><dd class="qc-space-complex">${space.complex.name}</dd></div>`
        : ''}
      ${space.organisation
        ? html`<div><dt>${t('spaceOperator')}</dt><dd class="qc-space-operator">${space.organisation.name}</dd></div>`
        : ''}
      <div>
        <dt>${t('spaceAddress')}</dt>
        <dd class="qc-space-address">${space.address}</dd>
      </div>
    </dl>
    ${space.complex_id
      ? html`<p class="qc-service-link">
          <a href="/complessi/${space.complex_id}/servizio">${t('serviceLevelLink')}</a>
        </p>`
      : ''}
    <div class="row">
      <section class="col-12 col-lg-7 mb-4" aria-labelledby="space-about">
        <h2 id="space-about" class="h4">${t('spaceDescription')}</h2>
        <div class="qc-space-description">${paragraphs(space.description ?? '')}</div>
      </section>
      <section class="col-12 col-lg-5 mb-4" aria-labelledby="space-hours">
        <h2 id="space-hours" class="h4">${icon('it-clock', 'icon-primary')} ${t('spaceHours')}</h2>
        ${hoursTable(space.opening_hours)}
      </section>
    </div>
  </div>`
}

export async function spacePage({ main, params, signal }: PageContext): Promise<void> {
  const slug = params.slug ?? ''
  setHtml(main, loadingView())
  let space: SpaceDetail
  try {
    space = await api.space(slug, signal)
  } catch (err) {
    if (signal.aborted) throw err
    const missing = err instanceof ApiError && err.status === 404
    setTitle(missing ? t('spaceNotFoundTitle') : t('errorTitle'))
    setHtml(
      main,
      html`<div class="container py-5" data-state="${missing ? 'not-found' : 'error'}">
        <h1>${missing ? t('spaceNotFoundTitle') : t('errorTitle')}</h1>
        <div aria-live="assertive">${alertBox(missing ? 'info' : 'danger', missing ? t('spaceNotFound') : errorMessage(err))}</div>
        <p><a href="/">${t('backHome')}</a></p>
      </div>`,
    )
    return
  }
  setTitle(space.name)
  setHtml(main, spaceView(space))
}
