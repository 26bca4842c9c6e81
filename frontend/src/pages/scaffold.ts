/**
 * What the domains' pages (feedback, time bank and marketplace, catalogue, activities)
 * build themselves with: the signed-in user or a trip to the sign-in page, error and
 * message views, a page's live region, breadcrumbs, paragraphs, text areas and drop-downs,
 * in-place confirmations, links from the API.
 *
 * Only the lazily loaded pages import it, so it travels in a chunk of its own and the home
 * page never downloads it.
 */

import type { Me } from '../api'
import { html, type Safe } from '../html'
import { t } from '../i18n'
import { alertBox } from '../layout'
import { navigate, type PageContext } from '../router'
import { loadSession, refreshSession } from '../session'
import { errorMessage } from './common'

/** The signed-in user, or a trip to the sign-in page (back here afterwards). `fresh`:
 * asked of the server again, so that a role granted a minute ago counts. */
export async function requireUser(ctx: PageContext, fresh = false): Promise<Me | null> {
  const me = fresh ? await refreshSession() : await loadSession()
  if (ctx.signal.aborted) return null
  if (!me) {
    navigate('/accedi?next=' + encodeURIComponent(location.pathname + location.search), { replace: true })
    return null
  }
  return me
}

export function errorView(title: string, err: unknown, extra: Safe | '' = ''): Safe {
  return html`<div class="container py-5 qc-narrow">
    <h1>${title}</h1>
    <div aria-live="assertive">${alertBox('danger', errorMessage(err))}</div>
    ${extra}
  </div>`
}

export function messageView(title: string, message: string, extra: Safe | '' = ''): Safe {
  return html`<div class="container py-5 qc-narrow">
    <h1>${title}</h1>
    <div aria-live="polite">${alertBox('info', message)}</div>
    ${extra}
  </div>`
}

/** A region for a page's own announcements (polite: they follow the user's actions). */
export function pageStatus(id: string): Safe {
  return html`<div class="qc-page-status" id="${id}" aria-live="polite" aria-atomic="true"></div>`
}

export function breadcrumb(items: { href?: string; label: string }[]): Safe {
  return html`<nav class="breadcrumb-container" aria-label="${t('breadcrumb')}">
    <ol class="breadcrumb">
      ${items.map((item) =>
        item.href
          ? html`<li class="breadcrumb-item"><a href="${item.href}">${item.label}</a><span class="separator" aria-hidden="true">/</span></li>`
          : html`<li class="breadcrumb-item active" aria-current="page">${item.label}</li>`,
      )}
    </ol>
  </nav>`
}

/** Paragraphs of a text written with blank lines between them. */
export function paragraphs(text: string): Safe {
  return html`${text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p class="qc-prewrap">${p}</p>`)}`
}

/** A link the API gave: only paths of this site. */
export function sitePath(url: string | null | undefined): string | null {
  return typeof url === 'string' && /^\/(?![/\\])/.test(url) ? url : null
}

// --- fields ---------------------------------------------------------------------------------

/** Euros as typed ("5", "7,50", "7.5", "€ 5") → cents; null when it is not an amount. */
export function parseEuro(text: string): number | null {
  const amount = text.trim().replace(/^€\s*/, '')
  if (!/^\d{1,6}([.,]\d{1,2})?$/.test(amount)) return null
  return Math.round(Number(amount.replace(',', '.')) * 100)
}

export function fieldId(formId: string, name: string): string {
  // `${formId}-status` is the form's live region (../forms.ts statusRegion)
  return name === 'status' ? `${formId}-status-field` : `${formId}-${name}`
}

export function textareaField(
  formId: string,
  name: string,
  label: string,
  o: { help?: string; required?: boolean; rows?: number; maxlength?: number; value?: string } = {},
): Safe {
  const id = fieldId(formId, name)
  const helpId = o.help ? `${id}-help` : ''
  return html`<div class="form-group qc-field" data-field="${name}">
    <label for="${id}" class="active">${label}</label>
    <textarea
      class="form-control qc-textarea"
      id="${id}"
      name="${name}"
      rows="${o.rows ?? 4}"
      ${o.maxlength ? html`maxlength="${o.maxlength}"` : ''}
      ${o.required ? html`required aria-required="true"` : ''}
      ${helpId ? html`aria-describedby="${helpId}"` : ''}
    >${o.value ?? ''}</textarea>
    ${o.help ? html`<small class="form-text" id="${helpId}">${o.help}</small>` : ''}
  </div>`
}

export interface Option {
  value: string
  label: string | Safe
}

export function selectBox(
  formId: string,
  name: string,
  label: string,
  options: Option[],
  selected: string,
  o: { help?: string; describedBy?: string; required?: boolean } = {},
): Safe {
  const id = fieldId(formId, name)
  const helpId = o.help ? `${id}-help` : ''
  const describedBy = [helpId, o.describedBy].filter(Boolean).join(' ')
  return html`<div class="select-wrapper qc-field qc-select" data-field="${name}">
    <label for="${id}">${label}</label>
    <select
      id="${id}"
      name="${name}"
      ${describedBy ? html`aria-describedby="${describedBy}"` : ''}
      ${o.required ? html`required aria-required="true"` : ''}
    >
      ${options.map(
        (opt) => html`<option value="${opt.value}" ${opt.value === selected ? 'selected' : ''}>${opt.label}</option>`,
      )}
    </select>
    ${o.help ? html`<small class="form-text" id="${helpId}">${o.help}</small>` : ''}
  </div>`
}

/**
 * A question with "yes" and "no" buttons, shown in place (no browser dialog): `onYes`
 * runs on yes, and the panel goes away either way. Focus moves to the question and back.
 */
export function askToConfirm(
  container: HTMLElement,
  question: string,
  yesLabel: string,
  onYes: () => Promise<void>,
  returnFocus: HTMLElement | null,
): void {
  container.hidden = false
  container.innerHTML = html`<div class="qc-confirm" role="group" aria-labelledby="${container.id}-q">
    <p class="qc-confirm-question" id="${container.id}-q" tabindex="-1">${question}</p>
    <div class="qc-actions">
      <button type="button" class="btn btn-primary" data-answer="yes">${yesLabel}</button>
      <button type="button" class="btn btn-outline-primary" data-answer="no">${t('confirmNo')}</button>
    </div>
  </div>`.value
  container.querySelector<HTMLElement>('.qc-confirm-question')?.focus()
  const close = (): void => {
    container.hidden = true
    container.innerHTML = ''
  }
  container.onclick = (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-answer]')
    if (!button) return
    if (button.dataset.answer === 'no') {
      close()
      returnFocus?.focus()
      return
    }
    for (const b of container.querySelectorAll('button')) b.disabled = true
    void onYes().finally(close)
  }
}
