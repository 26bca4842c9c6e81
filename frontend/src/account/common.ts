/** What the account pages share: the password rules, shown before the password is typed. */

import { html, type Safe } from '../html'
import { at } from './i18n'

/** The rules as a list, with an id for the password fields' `aria-describedby`. */
export function passwordRules(id: string): Safe {
  return html`<div class="qc-password-rules" id="${id}">
    <p class="mb-1">${at('rulesTitle')}</p>
    <ul>
      <li>${at('ruleLength')}</li>
      <li>${at('ruleNoName')}</li>
      <li>${at('ruleNotCommon')}</li>
    </ul>
  </div>`
}

/** Point a field at the rules (screen readers read them with the field). */
export function describeWith(form: HTMLFormElement, name: string, id: string): void {
  const input = form.querySelector<HTMLInputElement>(`[name="${name}"]`)
  if (!input) return
  const ids = new Set((input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean))
  ids.add(id)
  input.setAttribute('aria-describedby', [...ids].join(' '))
}
