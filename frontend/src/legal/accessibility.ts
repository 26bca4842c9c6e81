/**
 * /accessibilita — the accessibility statement, after AgID's model: compliance status, what
 * is not accessible yet, the automated checks and their result (axe-core in the browser
 * tests of tests/e2e/), how the statement was prepared, the feedback address (the
 * installation's QC_ACCESSIBILITY_CONTACT, via GET /legal) and the enforcement procedure.
 */

import { html, setHtml, type Safe } from '../html'
import { t } from '../i18n'
import { loadingView, setTitle } from '../layout'
import { breadcrumb, errorView } from '../pages/scaffold'
import type { PageContext } from '../router'
import { legal, type LegalInfo } from './api'
import { lt, ltf, type LKey } from './i18n'
import { contact } from './privacy'

/** The pages the browser tests check with axe (tests/e2e/test_webapp.py, test_legal.py…). */
const CHECKED_PAGES = [
  '/',
  '/spazi/boccioni',
  '/accedi',
  '/registrati',
  '/profilo',
  '/privacy',
  '/accessibilita',
  '/aiuto',
  '/profilo/cancella-account',
]

function section(id: string, heading: LKey, body: Safe): Safe {
  return html`<section class="mb-4" aria-labelledby="${id}">
    <h2 id="${id}" class="h4">${lt(heading)}</h2>
    ${body}
  </section>`
}

function statementView(info: LegalInfo): Safe {
  return html`<div class="container py-4 qc-narrow qc-legal qc-accessibility">
    ${breadcrumb([{ href: '/', label: t('home') }, { label: lt('a11yTitle') }])}
    <h1>${lt('a11yTitle')}</h1>
    <p class="qc-lead">${ltf('a11yIntro', { controller: info.controller })}</p>
    ${section('a11y-status', 'a11yStatusHeading', html`<p class="qc-a11y-status">${lt('a11yStatus')}</p>`)}
    ${section(
      'a11y-gaps',
      'a11yGapsHeading',
      html`<ul>
        <li>${lt('a11yGap1')}</li>
        <li>${lt('a11yGap2')}</li>
        <li>${lt('a11yGap3')}</li>
      </ul>`,
    )}
    ${section(
      'a11y-checks',
      'a11yChecksHeading',
      html`<p>${lt('a11yChecks')}</p>
        <p class="qc-a11y-result"><strong>${lt('a11yChecksResult')}</strong></p>
        <p>${lt('a11yChecksPages')}:</p>
        <ul class="qc-checked-pages">
          ${CHECKED_PAGES.map((path) => html`<li><a href="${path}">${path}</a></li>`)}
        </ul>`,
    )}
    ${section('a11y-method', 'a11yMethodHeading', html`<p>${lt('a11yMethod')}</p>`)}
    ${section(
      'a11y-feedback',
      'a11yFeedbackHeading',
      html`<p>${lt('a11yFeedback')} <span class="qc-a11y-contact">${contact(info.accessibility_contact)}</span>.</p>
        <p>${lt('a11yFeedbackHelp')} <a href="/aiuto">${lt('helpTitle')}</a>.</p>`,
    )}
    ${section(
      'a11y-procedure',
      'a11yProcedureHeading',
      html`<p>
        ${lt('a11yProcedure')}
        <a href="https://form.agid.gov.it" rel="noopener noreferrer">form.agid.gov.it</a>.
      </p>`,
    )}
  </div>`
}

export async function accessibilityPage({ main, signal }: PageContext): Promise<void> {
  setTitle(lt('a11yTitle'))
  setHtml(main, loadingView())
  let info: LegalInfo
  try {
    info = await legal.info(signal)
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(lt('a11yTitle'), err))
    return
  }
  if (signal.aborted) return
  setHtml(main, statementView(info))
}
