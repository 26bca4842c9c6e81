/**
 * /aiuto — how to get help: the ways in from here (sign-in, reports, privacy, accessibility)
 * and, from the spaces' own data (GET /spaces), where each space is and when it is open.
 */

import { WEEKDAYS, api, type Space } from '../api'
import { html, setHtml, type Safe } from '../html'
import { t, weekdayNames } from '../i18n'
import { icon } from '../icons'
import { loadingView, setTitle } from '../layout'
import { breadcrumb, errorView } from '../pages/scaffold'
import type { PageContext } from '../router'
import { lt } from './i18n'

function hoursList(space: Space): Safe {
  const names = weekdayNames()
  return html`<ul class="list-unstyled qc-help-hours">
    ${WEEKDAYS.map((day, i) => {
      const slots = space.opening_hours[day] ?? []
      return html`<li data-day="${day}">
        <span class="qc-help-day">${names[i]}:</span>
        ${slots.length ? slots.map(([from, to], j) => html`${j ? ', ' : ''}${from}–${to}`) : lt('helpClosed')}
      </li>`
    })}
  </ul>`
}

function placeView(space: Space): Safe {
  return html`<li class="col-12 col-md-6 mb-4 qc-help-place" data-slug="${space.slug}">
    <h3 class="h5"><a href="/spazi/${space.slug}">${space.name}</a></h3>
    <p class="mb-1">
      ${icon('it-map-marker', 'icon-sm icon-primary')}
      <span class="visually-hidden">${lt('helpAddress')}:</span>
      <span class="qc-address">${space.address}</span>
    </p>
    <p class="mb-1 fw-semibold">${lt('helpHours')}</p>
    ${hoursList(space)}
  </li>`
}

function helpView(spaces: Space[]): Safe {
  return html`<div class="container py-4 qc-legal qc-help">
    ${breadcrumb([{ href: '/', label: t('home') }, { label: lt('helpTitle') }])}
    <h1>${lt('helpTitle')}</h1>
    <p class="qc-lead">${lt('helpIntro')}</p>
    <section class="mb-4" aria-labelledby="help-online">
      <h2 id="help-online" class="h4">${lt('helpOnline')}</h2>
      <ul>
        <li><a href="/accedi">${lt('helpSignIn')}</a></li>
        <li><a href="/segnalazioni/nuova">${lt('helpReport')}</a></li>
        <li><a href="/privacy">${lt('helpPrivacy')}</a></li>
        <li><a href="/accessibilita">${lt('helpA11y')}</a></li>
      </ul>
    </section>
    <section aria-labelledby="help-places">
      <h2 id="help-places" class="h4">${lt('helpPlacesHeading')}</h2>
      <p>${lt('helpPlacesIntro')}</p>
      ${spaces.length
        ? html`<ul class="row list-unstyled qc-help-places">${spaces.map(placeView)}</ul>`
        : html`<p class="qc-empty">${lt('helpNoPlaces')}</p>`}
    </section>
  </div>`
}

export async function helpPage({ main, signal }: PageContext): Promise<void> {
  setTitle(lt('helpTitle'))
  setHtml(main, loadingView())
  let spaces: Space[]
  try {
    spaces = (await api.spaces(signal)).items
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(lt('helpTitle'), err))
    return
  }
  if (signal.aborted) return
  setHtml(main, helpView(spaces))
}
