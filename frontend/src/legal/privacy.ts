/**
 * /privacy — the privacy notice (GDPR articles 13–14): the controller and the DPO (from the
 * installation's settings, GET /legal; an unset contact shows as "to be completed"),
 * purposes, legal basis, how long each kind of data is kept (the session and token
 * lifetimes are the server's own), the rights and where to exercise them, cookies.
 */

import { html, setHtml, type Safe } from '../html'
import { loadingView, setTitle } from '../layout'
import { breadcrumb, errorView } from '../pages/scaffold'
import type { PageContext } from '../router'
import { t } from '../i18n'
import { EXPORT_JSON, EXPORT_ZIP, legal, type LegalInfo } from './api'
import { lt, ltf, type LKey } from './i18n'

export function contact(value: string | null | undefined): Safe {
  if (!value) return html`<span class="qc-to-complete">${lt('toComplete')}</span>`
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return html`<a href="mailto:${value}">${value}</a>`
  return html`${value}`
}

function section(id: string, heading: LKey, body: Safe): Safe {
  return html`<section class="mb-4" aria-labelledby="${id}">
    <h2 id="${id}" class="h4">${lt(heading)}</h2>
    ${body}
  </section>`
}

const PURPOSES: LKey[] = [
  'purposeAccount',
  'purposeTenancy',
  'purposeReports',
  'purposeExchanges',
  'purposeNotifications',
  'purposeSecurity',
]

function retentionRows(info: LegalInfo): [string, string][] {
  return [
    [lt('retAccount'), lt('retAccountHow')],
    [
      lt('retSessions'),
      ltf('retSessionsHow', {
        days: Math.round(info.session_idle_minutes / 1440),
        hours: Math.round(info.staff_session_idle_minutes / 60),
      }),
    ],
    [lt('retTokens'), ltf('retTokensHow', { max: info.token_max_days, default: info.token_default_days })],
    [lt('retNotifications'), lt('retNotificationsHow')],
    [lt('retReports'), lt('retReportsHow')],
    [lt('retLedger'), lt('retLedgerHow')],
    [lt('retMessages'), lt('retMessagesHow')],
    [lt('retRegistrations'), lt('retRegistrationsHow')],
    [lt('retAudit'), lt('retAuditHow')],
  ]
}

function privacyView(info: LegalInfo): Safe {
  return html`<div class="container py-4 qc-narrow qc-legal qc-privacy">
    ${breadcrumb([{ href: '/', label: t('home') }, { label: lt('privacyTitle') }])}
    <h1>${lt('privacyTitle')}</h1>
    <p class="qc-lead">${lt('privacyIntro')}</p>
    ${section(
      'privacy-controller',
      'controllerHeading',
      html`<dl class="qc-facts">
        <div><dt>${lt('controllerLabel')}</dt><dd class="qc-controller">${info.controller}</dd></div>
        <div><dt>${lt('controllerContactLabel')}</dt><dd>${contact(info.controller_contact)}</dd></div>
        <div><dt>${lt('dpoLabel')}</dt><dd class="qc-dpo">${contact(info.dpo_contact)}</dd></div>
      </dl>`,
    )}
    ${section('privacy-purposes', 'purposesHeading', html`<ul>${PURPOSES.map((key) => html`<li>${lt(key)}</li>`)}</ul>`)}
    ${section('privacy-basis', 'legalBasisHeading', html`<p>${lt('legalBasisText')}</p>`)}
    ${section(
      'privacy-retention',
      'retentionHeading',
      html`<div class="table-responsive">
        <table class="table qc-retention">
          <caption class="visually-hidden">${lt('retentionHeading')}</caption>
          <thead>
            <tr><th scope="col">${lt('retentionWhat')}</th><th scope="col">${lt('retentionHow')}</th></tr>
          </thead>
          <tbody>
            ${retentionRows(info).map(([what, how]) => html`<tr><th scope="row">${what}</th><td>${how}</td></tr>`)}
          </tbody>
        </table>
      </div>`,
    )}
    ${section(
      'privacy-rights',
      'rightsHeading',
      html`<p>${lt('rightsIntro')}</p>
        <ul class="qc-rights">
          <li>
            <a href="${EXPORT_JSON}" download>${lt('rightAccess')}</a>
            (<a href="${EXPORT_ZIP}" download>${lt('rightAccessZip')}</a>)
          </li>
          <li><a href="/profilo">${lt('rightRectify')}</a></li>
          <li><a href="/profilo/cancella-account">${lt('rightErase')}</a></li>
          <li>
            ${lt('rightOther')}:
            <a href="https://www.garanteprivacy.it" rel="noopener noreferrer">${lt('garante')}</a>.
          </li>
        </ul>`,
    )}
    ${section('privacy-cookies', 'cookiesHeading', html`<p>${lt('cookiesText')}</p>`)}
  </div>`
}

export async function privacyPage({ main, signal }: PageContext): Promise<void> {
  setTitle(lt('privacyTitle'))
  setHtml(main, loadingView())
  let info: LegalInfo
  try {
    info = await legal.info(signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(lt('privacyTitle'), err))
    return
  }
  if (signal.aborted) return
  setHtml(main, privacyView(info))
}
