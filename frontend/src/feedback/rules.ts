/** /gestione/instradamento — staff: who receives the reports of each category (routing rules). */

import { ApiError, type Me } from '../api'
import { busy, clearErrors, formValues, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage } from '../pages/common'
import { pageStatus, requireUser, selectBox } from '../pages/scaffold'
import { isStaff } from '../roles'
import type { PageContext } from '../router'
import { feedback, ROUTE_TARGETS, type Category, type Complex, type RouteTo, type RoutingRule } from './api'
import { categoryName, complexName, errorView, keepFocus, messageView, names, routeName, type Names } from './common'
import { ft } from './i18n'

const FORM = 'rule'

function sortRules(rules: RoutingRule[], n: Names, categories: Category[]): RoutingRule[] {
  const order = new Map(categories.map((c, i) => [c.code, i]))
  return [...rules].sort(
    (a, b) =>
      (order.get(a.category) ?? 99) - (order.get(b.category) ?? 99) ||
      complexName(n, a.complex_id).localeCompare(complexName(n, b.complex_id)) ||
      a.route_to.localeCompare(b.route_to),
  )
}

function tableView(rules: RoutingRule[], n: Names): Safe {
  if (!rules.length) return html`<p class="qc-empty-line">${ft('noRules')}</p>`
  return html`<div class="table-responsive">
    <table class="table qc-table qc-rules">
      <caption>${ft('rulesCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">${ft('colCategory')}</th>
          <th scope="col">${ft('colComplex')}</th>
          <th scope="col">${ft('colRouteTo')}</th>
          <th scope="col"><span class="visually-hidden">${ft('colActions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${rules.map((r) => {
          const what = `${categoryName(n, r.category)}, ${r.complex_id === null ? ft('allComplexesRule') : complexName(n, r.complex_id)}, ${routeName(r.route_to)}`
          return html`<tr data-id="${r.id}">
            <th scope="row">${categoryName(n, r.category)}</th>
            <td>${r.complex_id === null ? ft('allComplexesRule') : complexName(n, r.complex_id)}</td>
            <td>${routeName(r.route_to)}</td>
            <td>
              <button
                type="button"
                class="btn btn-outline-danger btn-xs qc-delete"
                id="delete-rule-${r.id}"
                data-id="${r.id}"
                data-what="${what}"
                aria-label="${ft('deleteRule')}: ${what}"
              >
                ${ft('deleteRule')}
              </button>
            </td>
          </tr>`
        })}
      </tbody>
    </table>
  </div>`
}

function formView(categories: Category[], complexes: Complex[]): Safe {
  return html`<section class="qc-panel" aria-labelledby="${FORM}-heading">
    <h2 class="h4" id="${FORM}-heading">${ft('addRuleHeading')}</h2>
    <form id="${FORM}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(FORM)}
      ${selectBox(
        FORM,
        'category',
        ft('colCategory'),
        categories.map((c) => ({ value: c.code, label: c.name })),
        categories[0]?.code ?? '',
      )}
      ${selectBox(
        FORM,
        'complex_id',
        ft('colComplex'),
        [{ value: '', label: ft('allComplexesRule') }, ...complexes.map((c) => ({ value: String(c.id), label: c.name }))],
        '',
      )}
      ${selectBox(FORM, 'route_to', ft('colRouteTo'), ROUTE_TARGETS.map((r) => ({ value: r, label: routeName(r) })), 'custodian')}
      <button type="submit" class="btn btn-primary">${ft('addRuleSubmit')}</button>
    </form>
  </section>`
}

export async function routingRulesPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  setTitle(ft('rulesTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let rules: RoutingRule[]
  let categories: Category[]
  let complexes: Complex[]
  try {
    me = await requireUser(ctx)
    if (!me) return
    if (!isStaff(me)) {
      setHtml(main, messageView(ft('rulesTitle'), ft('staffOnly')))
      return
    }
    ;[rules, categories, complexes] = await Promise.all([
      feedback.rules(signal),
      feedback.categories(),
      feedback.complexes(),
    ])
  } catch (err) {
    if (signal.aborted) throw err
    if (err instanceof ApiError && err.status === 403) setHtml(main, messageView(ft('rulesTitle'), ft('staffOnly')))
    else setHtml(main, errorView(ft('rulesTitle'), err))
    return
  }
  if (signal.aborted) return
  const n = names(categories, complexes)

  setHtml(
    main,
    html`<div class="container py-4 qc-manage">
      <h1>${ft('rulesTitle')}</h1>
      <p class="qc-lead">${ft('rulesIntro')}</p>
      ${pageStatus('rules-status')}
      <div class="qc-rules-table">${tableView(sortRules(rules, n, categories), n)}</div>
      ${formView(categories, complexes)}
    </div>`,
  )
  const table = main.querySelector<HTMLElement>('.qc-rules-table') as HTMLElement
  const status = main.querySelector<HTMLElement>('#rules-status') as HTMLElement
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`) as HTMLFormElement

  const redraw = (): void => keepFocus(table, () => setHtml(table, tableView(sortRules(rules, n, categories), n)))

  // deleting takes two presses: the first turns the button into "Confirm: delete"
  table.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button.qc-delete')
    if (!button) return
    const ruleId = Number(button.dataset.id)
    const say = (b: HTMLButtonElement, key: 'deleteRule' | 'confirmDelete'): void => {
      b.textContent = ft(key)
      b.setAttribute('aria-label', `${ft(key)}: ${b.dataset.what ?? ''}`)
    }
    if (button.dataset.confirm !== 'true') {
      for (const other of table.querySelectorAll<HTMLButtonElement>('button.qc-delete[data-confirm="true"]')) {
        other.dataset.confirm = 'false'
        say(other, 'deleteRule')
      }
      button.dataset.confirm = 'true'
      say(button, 'confirmDelete')
      return
    }
    button.disabled = true
    feedback
      .deleteRule(ruleId)
      .then(() => {
        rules = rules.filter((r) => r.id !== ruleId)
        setHtml(table, tableView(sortRules(rules, n, categories), n))
        setHtml(status, alertBox('success', ft('ruleDeleted')))
        // the button is gone: the keyboard goes back to the top of the page
        const heading = main.querySelector<HTMLElement>('h1')
        if (heading) {
          heading.tabIndex = -1
          heading.focus()
        }
      })
      .catch((err: unknown) => {
        button.disabled = false
        setHtml(status, alertBox('danger', errorMessage(err)))
      })
  })

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = formValues(form)
    if (!values.category) {
      showErrors(form, t('formHasErrors'), { category: [t('required')] })
      return
    }
    void busy(form, async () => {
      try {
        const rule = await feedback.createRule({
          category: values.category ?? '',
          complex_id: values.complex_id ? Number(values.complex_id) : null,
          route_to: (values.route_to ?? 'staff') as RouteTo,
        })
        rules = [...rules, rule]
      } catch (err) {
        showApiError(form, err)
        return
      }
      clearErrors(form)
      redraw()
      const formStatus = form.querySelector('.qc-form-status')
      if (formStatus) setHtml(formStatus, alertBox('success', ft('ruleAdded')))
    })
  })
}
