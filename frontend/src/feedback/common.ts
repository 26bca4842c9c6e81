/** What the feedback pages share: names of statuses and roles, the status steps, report cards, fields. */

import type { Me } from '../api'
import { html, type Safe } from '../html'
import { formatDateTime } from '../i18n'
import { alertBox } from '../layout'
import { errorMessage } from '../pages/common'
import { fieldId } from '../pages/scaffold'
import { hasRole, isStaff, scopeIds } from '../roles'
import type { Category, Complex, Report, ReportStatus, RouteTo } from './api'
import { ft, ftf, type FKey } from './i18n'

export function statusName(status: string): string {
  return ft(`status_${status}` as FKey) ?? status
}

export function statusHelp(status: string): string {
  return ft(`statusHelp_${status}` as FKey) ?? ''
}

export function routeName(target: RouteTo | string): string {
  return ft(`route_${target}` as FKey) ?? target
}

export function authorRoleName(role: string): string {
  return ft(`author_${role}` as FKey) ?? role
}

export function errorView(title: string, err: unknown): Safe {
  return html`<div class="container py-5">
    <h1>${title}</h1>
    <div aria-live="assertive">${alertBox('danger', errorMessage(err))}</div>
  </div>`
}

export function messageView(title: string, message: string, kind: 'info' | 'danger' = 'info', extra: Safe | '' = ''): Safe {
  return html`<div class="container py-5 qc-narrow">
    <h1>${title}</h1>
    <div aria-live="polite">${alertBox(kind, message)}</div>
    ${extra}
  </div>`
}

export interface Names {
  categories: Map<string, Category>
  complexes: Map<number, Complex>
}

export function names(categories: Category[], complexes: Complex[]): Names {
  return {
    categories: new Map(categories.map((c) => [c.code, c])),
    complexes: new Map(complexes.map((c) => [c.id, c])),
  }
}

export function categoryName(n: Names, code: string): string {
  return n.categories.get(code)?.name ?? code
}

export function complexName(n: Names, id: number | null): string {
  if (id === null) return ''
  return n.complexes.get(id)?.name ?? `#${id}`
}

// --- who may do what (for what to show; the server decides) -----------------------------

export function isReporter(me: Me | null, report: Report): boolean {
  return !!me && report.reporter?.id === me.id
}

/** Routed to this user (mirrors qc_platform/feedback/policies.py is_recipient). */
export function isRecipient(me: Me | null, report: Report): boolean {
  const custodianOf = scopeIds(me, 'custodian')
  const committees = scopeIds(me, 'committee_member')
  return report.assignments.some(
    (a) =>
      (a.target === 'custodian' && custodianOf.includes(a.complex_id)) ||
      (a.target === 'committee' && a.committee_id !== null && committees.includes(a.committee_id)),
  )
}

/** Recipients and staff change the status and write internal notes. */
export function canHandle(me: Me | null, report: Report): boolean {
  return isStaff(me) || isRecipient(me, report)
}

export function canSupport(me: Me | null, report: Report): boolean {
  return (
    report.visibility === 'public' &&
    !isReporter(me, report) &&
    !!me?.roles.some((g) => g.role === 'tenant' && g.scope_id === report.complex_id)
  )
}

export { hasRole, isStaff }

// --- status steps ------------------------------------------------------------------------

const MAIN_PATH: ReportStatus[] = ['submitted', 'acknowledged', 'in_progress', 'resolved', 'closed']

/** The way a report goes, with where it is now: an ordered list, the current step marked. */
export function statusSteps(status: ReportStatus): Safe {
  const path: ReportStatus[] = MAIN_PATH.includes(status) ? MAIN_PATH : ['submitted', status]
  const current = path.indexOf(status)
  return html`<ol class="qc-steps" aria-label="${ft('progressLabel')}">
    ${path.map((s, i) => {
      const state = i < current ? 'done' : i === current ? 'current' : 'todo'
      return html`<li class="qc-step is-${state}" ${state === 'current' ? html`aria-current="step"` : ''}>
        <span class="qc-step-dot" aria-hidden="true"></span>
        <span class="qc-step-name">${statusName(s)}</span>${state === 'done'
          ? html`<span class="visually-hidden"> (${ft('stepDone')})</span>`
          : state === 'current'
            ? html`<span class="visually-hidden"> (${ft('stepCurrent')})</span>`
            : ''}
      </li>`
    })}
  </ol>`
}

export function statusBadge(status: string): Safe {
  return html`<span class="qc-badge qc-badge-status" data-status="${status}">${statusName(status)}</span>`
}

export function reportBadges(report: Report, me: Me | null, isNew = false): Safe {
  return html`<p class="qc-badges">
    ${isNew ? html`<span class="qc-badge qc-badge-new">${ft('newBadge')}</span>` : ''}
    ${statusBadge(report.status)}
    ${report.overdue ? html`<span class="qc-badge qc-badge-late">${ft('overdueBadge')}</span>` : ''}
    ${report.escalated ? html`<span class="qc-badge">${ft('escalatedBadge')}</span>` : ''}
    ${isReporter(me, report) ? html`<span class="qc-badge">${ft('sentByYou')}</span>` : ''}
    ${report.anonymous ? html`<span class="qc-badge">${ft('anonymousBadge')}</span>` : ''}
    ${report.visibility === 'public' ? html`<span class="qc-badge">${ft('publicBadge')}</span>` : ''}
    ${report.support_count
      ? html`<span class="qc-badge">${ftf('supportCount', { n: report.support_count })}</span>`
      : ''}
  </p>`
}

export interface CardOptions {
  me: Me | null
  names: Names
  isNew?: boolean
  /** The inbox shows when an answer is due; "my reports" shows the steps. */
  due?: boolean
}

/** A report in a list: its title links to its page. */
export function reportCard(report: Report, o: CardOptions): Safe {
  const where = [categoryName(o.names, report.category), complexName(o.names, report.complex_id)]
  if (report.location_detail) where.push(report.location_detail)
  return html`<li class="qc-report${o.isNew ? ' is-new' : ''}" data-id="${report.id}" data-status="${report.status}">
    <h2 class="qc-report-title"><a href="/segnalazioni/${report.id}">${report.title}</a></h2>
    <p class="qc-report-meta">${where.join(' · ')}</p>
    ${reportBadges(report, o.me, o.isNew)}
    <p class="qc-report-date">
      ${o.due && !report.first_responded_at
        ? html`<span>${ftf('dueBy', { date: formatDateTime(report.first_response_due_at) })}</span>`
        : html`<span>${ftf('sentOn', { date: formatDateTime(report.created_at) })}</span>`}
    </p>
    ${o.due ? '' : statusSteps(report.status)}
  </li>`
}

// --- form fields -------------------------------------------------------------------------

export interface Choice {
  value: string
  label: string
  help?: string
}

/** Radio buttons in a fieldset, each with its own explanation under it. */
export function radioGroup(formId: string, name: string, legend: string, choices: Choice[], checked: string): Safe {
  return html`<fieldset class="qc-choices" data-field="${name}">
    <legend>${legend}</legend>
    ${choices.map((c, i) => {
      const id = fieldId(formId, `${name}-${i}`)
      return html`<div class="form-check qc-choice">
        <input
          type="radio"
          id="${id}"
          name="${name}"
          value="${c.value}"
          ${c.value === checked ? 'checked' : ''}
          ${c.help ? html`aria-describedby="${id}-help"` : ''}
        />
        <label for="${id}">${c.label}</label>
        ${c.help ? html`<small class="form-text qc-choice-help" id="${id}-help">${c.help}</small>` : ''}
      </div>`
    })}
  </fieldset>`
}

export function checkboxField(
  formId: string,
  name: string,
  label: string,
  o: { help?: string; checked?: boolean; value?: string } = {},
): Safe {
  const id = fieldId(formId, name)
  return html`<div class="form-check qc-choice" data-field="${name}">
    <input
      type="checkbox"
      id="${id}"
      name="${name}"
      value="${o.value ?? 'true'}"
      ${o.checked ? 'checked' : ''}
      ${o.help ? html`aria-describedby="${id}-help"` : ''}
    />
    <label for="${id}">${label}</label>
    ${o.help ? html`<small class="form-text qc-choice-help" id="${id}-help">${o.help}</small>` : ''}
  </div>`
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/**
 * How the next page should show the flash message it is handed (router `flash`): the new
 * report page says "sent" as a success, or "sent, but an attachment did not arrive".
 */
export const handover: { kind: 'success' | 'danger' } = { kind: 'success' }

/**
 * Redraw part of a page without losing the keyboard: when the focus was on a link or
 * control inside `container`, it goes back to the one with the same href or id.
 */
export function keepFocus(container: HTMLElement, redraw: () => void): void {
  const active = document.activeElement as HTMLElement | null
  const inside = !!active && container.contains(active) && active !== container
  const href = inside ? active?.getAttribute('href') : null
  const id = inside ? active?.id : null
  redraw()
  if (!inside) return
  const again =
    (href ? container.querySelector<HTMLElement>(`[href="${CSS.escape(href)}"]`) : null) ??
    (id ? container.querySelector<HTMLElement>(`#${CSS.escape(id)}`) : null)
  again?.focus()
}
