/** Form fields in the Bootstrap Italia style, with per-field and form-level error display. */

import { ApiError } from './api'
import { html, setHtml, type Safe } from './html'
import { t } from './i18n'
import { alertBox } from './layout'

export interface FieldSpec {
  name: string
  label: string
  type?: 'text' | 'email' | 'password' | 'number' | 'date'
  autocomplete?: string
  help?: string
  required?: boolean
  minlength?: number
  maxlength?: number
  /** For number fields: `numeric` brings up the phone's digit keyboard. */
  inputmode?: string
  value?: string
}

function fieldId(formId: string, name: string): string {
  return `${formId}-${name}`
}

export function inputField(formId: string, f: FieldSpec): Safe {
  const id = fieldId(formId, f.name)
  const helpId = f.help ? `${id}-help` : ''
  return html`<div class="form-group qc-field" data-field="${f.name}">
    <label for="${id}" class="active">${f.label}</label>
    <input
      type="${f.type ?? 'text'}"
      class="form-control"
      id="${id}"
      name="${f.name}"
      value="${f.value ?? ''}"
      ${f.autocomplete ? html`autocomplete="${f.autocomplete}"` : ''}
      ${f.required ? html`required aria-required="true"` : ''}
      ${f.minlength ? html`minlength="${f.minlength}"` : ''}
      ${f.maxlength ? html`maxlength="${f.maxlength}"` : ''}
      ${f.inputmode ? html`inputmode="${f.inputmode}"` : ''}
      ${helpId ? html`aria-describedby="${helpId}"` : ''}
    />
    ${f.help ? html`<small class="form-text" id="${helpId}">${f.help}</small>` : ''}
  </div>`
}

export function selectField(
  formId: string,
  name: string,
  label: string,
  options: { value: string; label: string; lang?: string }[],
  selected: string,
): Safe {
  const id = fieldId(formId, name)
  return html`<div class="select-wrapper qc-field qc-select" data-field="${name}">
    <label for="${id}">${label}</label>
    <select id="${id}" name="${name}">
      ${options.map(
        (o) =>
          html`<option value="${o.value}" ${o.lang ? html`lang="${o.lang}"` : ''} ${o.value === selected ? 'selected' : ''}>${o.label}</option>`,
      )}
    </select>
  </div>`
}

/** The form's aria-live status region (present, empty, from the first render). */
export function statusRegion(formId: string): Safe {
  return html`<div class="qc-form-status" id="${formId}-status" aria-live="assertive" aria-atomic="true"></div>`
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of new FormData(form).entries()) out[k] = typeof v === 'string' ? v : ''
  return out
}

export function clearErrors(form: HTMLFormElement): void {
  for (const el of form.querySelectorAll('.invalid-feedback[data-generated]')) el.remove()
  for (const input of form.querySelectorAll<HTMLElement>('.is-invalid')) {
    input.classList.remove('is-invalid')
    input.removeAttribute('aria-invalid')
    const describedBy = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => id && !id.endsWith('-error'))
      .join(' ')
    if (describedBy) input.setAttribute('aria-describedby', describedBy)
    else input.removeAttribute('aria-describedby')
  }
  const status = form.querySelector('.qc-form-status')
  if (status) status.textContent = ''
}

/**
 * Show a form-level message in the live region and each field's messages under it.
 * Messages for fields the form does not have are listed in the form-level alert.
 */
export function showErrors(form: HTMLFormElement, message: string, fields: Record<string, string[]>): void {
  clearErrors(form)
  const orphan: string[] = []
  let first: HTMLElement | null = null
  for (const [name, messages] of Object.entries(fields)) {
    const input = form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${CSS.escape(name)}"]`)
    if (!input) {
      orphan.push(...messages)
      continue
    }
    const errorId = `${input.id}-error`
    input.classList.add('is-invalid')
    input.setAttribute('aria-invalid', 'true')
    const describedBy = [input.getAttribute('aria-describedby'), errorId].filter(Boolean).join(' ')
    input.setAttribute('aria-describedby', describedBy)
    const feedback = document.createElement('div')
    feedback.className = 'invalid-feedback'
    feedback.id = errorId
    feedback.dataset.generated = ''
    feedback.textContent = messages.join(' ')
    input.insertAdjacentElement('afterend', feedback)
    first ??= input
  }
  const status = form.querySelector('.qc-form-status')
  if (status) setHtml(status, alertBox('danger', message, orphan))
  first?.focus()
}

export function showApiError(form: HTMLFormElement, err: unknown): void {
  if (err instanceof ApiError) showErrors(form, err.message, err.fields)
  else showErrors(form, t('genericError'), {})
}

/** Disable the submit button while a request is in flight. */
export async function busy<T>(form: HTMLFormElement, work: () => Promise<T>): Promise<T> {
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')
  if (button) button.disabled = true
  form.setAttribute('aria-busy', 'true')
  try {
    return await work()
  } finally {
    if (button) button.disabled = false
    form.removeAttribute('aria-busy')
  }
}
