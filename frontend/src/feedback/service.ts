/**
 * /complessi/<id>/servizio — public: how the reports of one complex are handled, in figures
 * (GET /feedback/stats, aggregated, never personal). The charts are plain bars: each is
 * drawn in a table whose cells hold the numbers, so the table is the text equivalent and
 * the bars (SVG, aria-hidden) only show the same thing at a glance. Bar lengths are SVG
 * attributes, not inline styles (CSP `style-src 'self'`).
 */

import { ApiError } from '../api'
import { html, setHtml, type Safe } from '../html'
import { lang, t } from '../i18n'
import { loadingView, setTitle } from '../layout'
import { selectBox } from '../pages/scaffold'
import { navigate, type PageContext } from '../router'
import { canReport } from '../roles'
import { currentUser } from '../session'
import { feedback, type Category, type Complex, type Stats } from './api'
import { errorView, messageView, statusName } from './common'
import { ft, ftf } from './i18n'

const PERIODS = ['30', '365', 'all'] as const
type Period = (typeof PERIODS)[number]
const FORM = 'period'

function isoDay(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

function range(period: Period): { from?: string; to?: string } {
  if (period === 'all') return {}
  const to = new Date()
  const from = new Date(to)
  from.setDate(from.getDate() - Number(period) + 1)
  return { from: isoDay(from), to: isoDay(to) }
}

function number(value: number, digits = 0): string {
  return new Intl.NumberFormat(lang() === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: digits }).format(value)
}

function duration(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return ft('noData')
  if (hours < 1) return ft('hoursLessThanOne')
  const h = Math.round(hours)
  if (h === 1) return ft('hoursOne')
  if (h < 48) return ftf('hoursMany', { n: number(h) })
  return ftf('daysMany', { d: number(hours / 24, 1), h: number(h) })
}

/** A 0–1 share (a 0–100 percentage is taken as such) as a whole percentage. */
function percent(share: number): number {
  const value = share > 1 ? share : share * 100
  return Math.max(0, Math.min(100, Math.round(value)))
}

function bar(pct: number): Safe {
  const width = Math.max(0, Math.min(100, pct))
  return html`<svg class="qc-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
    <rect class="qc-bar-track" x="0" y="0" width="100" height="10"></rect>
    <rect class="qc-bar-fill" x="0" y="0" width="${width}" height="10"></rect>
  </svg>`
}

/** A figure, or (in plain text, not as a big number) why there is none. */
function figure(value: string | null, missing: string): Safe {
  return value === null
    ? html`<dd class="qc-stat-value is-missing">${missing}</dd>`
    : html`<dd class="qc-stat-value">${value}</dd>`
}

function countTable(id: string, caption: string, firstColumn: string, rows: { label: string; count: number }[]): Safe {
  const total = rows.reduce((sum, r) => sum + r.count, 0)
  return html`<section class="qc-section qc-chart" aria-labelledby="${id}">
    <h2 class="h4" id="${id}">${caption}</h2>
    ${rows.length && total
      ? html`<table class="table qc-table qc-chart-table">
          <caption class="visually-hidden">${caption}</caption>
          <thead>
            <tr>
              <th scope="col">${firstColumn}</th>
              <th scope="col" class="qc-num">${ft('colCount')}</th>
              <th scope="col">${ft('colShare')}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map((r) => {
              const pct = total ? Math.round((r.count / total) * 100) : 0
              return html`<tr>
                <th scope="row">${r.label}</th>
                <td class="qc-num">${number(r.count)}</td>
                <td class="qc-share"><span class="qc-share-value">${pct}%</span>${bar(pct)}</td>
              </tr>`
            })}
          </tbody>
        </table>`
      : html`<p class="qc-empty-line">${ft('noData')}</p>`}
  </section>`
}

function statsView(stats: Stats, categories: Category[]): Safe {
  const names = new Map(categories.map((c) => [c.code, c.name]))
  const onTime = stats.answered_on_time_share === null ? null : percent(stats.answered_on_time_share)
  const satisfaction = stats.mean_satisfaction
  const firstResponse = stats.median_hours_to_first_response
  const resolution = stats.median_hours_to_resolution
  const rated = satisfaction !== null && stats.satisfaction_count > 0
  return html`<dl class="qc-stats">
      <div class="qc-stat">
        <dt>${ft('statTotal')}</dt>
        <dd class="qc-stat-value qc-stat-total">${number(stats.total)}</dd>
      </div>
      <div class="qc-stat">
        <dt>${ft('statFirstResponse')}</dt>
        ${figure(firstResponse === null ? null : duration(firstResponse), ft('noData'))}
      </div>
      <div class="qc-stat">
        <dt>${ft('statResolution')}</dt>
        ${figure(resolution === null ? null : duration(resolution), ft('noData'))}
      </div>
      <div class="qc-stat">
        <dt>${ft('statOnTime')}</dt>
        ${figure(onTime === null ? null : `${onTime}%`, ft('noData'))}
        ${onTime === null ? '' : html`<dd class="qc-stat-bar">${bar(onTime)}<span class="qc-stat-note">${ftf('onTimeText', { pct: onTime })}</span></dd>`}
      </div>
      <div class="qc-stat">
        <dt>${ft('statSatisfaction')}</dt>
        ${figure(
          rated ? ftf('satisfactionValue', { n: number(satisfaction ?? 0, 1) }) : null,
          stats.satisfaction_count ? ft('satisfactionTooFew') : ft('noData'),
        )}
        ${rated
          ? html`<dd class="qc-stat-bar">${bar(((satisfaction ?? 0) / 5) * 100)}<span class="qc-stat-note"
                >${stats.satisfaction_count === 1
                  ? ft('satisfactionCountOne')
                  : ftf('satisfactionCountMany', { n: number(stats.satisfaction_count) })}</span
              ></dd>`
          : ''}
      </div>
    </dl>
    <p class="qc-note">${ft('medianHelp')}</p>
    ${countTable(
      'stats-category',
      ft('byCategoryHeading'),
      ft('colCategory'),
      stats.by_category.map((r) => ({ label: names.get(r.category) ?? r.category, count: r.count })),
    )}
    ${countTable(
      'stats-status',
      ft('byStatusHeading'),
      ft('filterStatus'),
      stats.by_status.map((r) => ({ label: statusName(r.status), count: r.count })),
    )}`
}

export async function serviceLevelPage(ctx: PageContext): Promise<void> {
  const { main, signal } = ctx
  const raw = ctx.params.complex_id ?? ''
  const complexId = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN
  const asked = new URLSearchParams(location.search).get('periodo')
  const period: Period = (PERIODS as readonly string[]).includes(asked ?? '') ? (asked as Period) : '365'
  setTitle(ft('serviceTitle'))
  setHtml(main, loadingView())
  const notFound = (): void => {
    setTitle(ft('complexNotFoundTitle'))
    setHtml(main, messageView(ft('complexNotFoundTitle'), ft('complexNotFound'), 'info', html`<p><a href="/">${t('backHome')}</a></p>`))
  }
  if (Number.isNaN(complexId)) {
    notFound()
    return
  }
  let complex: Complex
  let categories: Category[]
  try {
    ;[complex, categories] = await Promise.all([feedback.complex(complexId, signal), feedback.categories()])
  } catch (err) {
    if (signal.aborted) throw err
    if (err instanceof ApiError && err.status === 404) notFound()
    else setHtml(main, errorView(ft('serviceTitle'), err))
    return
  }
  let stats: Stats | null = null
  try {
    stats = await feedback.stats({ complex_id: complexId, ...range(period) }, signal)
  } catch (err) {
    if (signal.aborted) throw err
    stats = null
  }
  if (signal.aborted) return
  setTitle(`${ft('serviceTitle')} · ${complex.name}`)
  const me = currentUser()
  const tenantHere = !!me?.roles.some((g) => g.role === 'tenant' && g.scope_id === complexId)

  setHtml(
    main,
    html`<div class="container py-4 qc-service">
      <nav class="breadcrumb-container" aria-label="${t('breadcrumb')}">
        <ol class="breadcrumb">
          <li class="breadcrumb-item"><a href="/">${t('home')}</a><span class="separator" aria-hidden="true">/</span></li>
          <li class="breadcrumb-item active" aria-current="page">${complex.name}</li>
        </ol>
      </nav>
      <h1>${ft('serviceTitle')}<span class="visually-hidden">: </span><span class="qc-h1-sub">${complex.name}</span></h1>
      <p class="qc-lead">${ft('serviceIntro')}</p>
      <p>${ft('slaExplained')}</p>
      ${tenantHere
        ? html`<p><a class="btn btn-primary" href="/segnalazioni/nuova">${ft('makeReportCta')}</a></p>`
        : canReport(me)
          ? ''
          : html`<p><a class="btn btn-outline-primary" href="/profilo/inquilino?complesso=${complexId}">${ft('liveHereAsk')}</a></p>`}
      <form id="${FORM}" class="qc-period" method="get" action="${location.pathname}">
        ${selectBox(
          FORM,
          'periodo',
          ft('periodLabel'),
          PERIODS.map((p) => ({ value: p, label: ft(p === '30' ? 'period30' : p === '365' ? 'period365' : 'periodAll') })),
          period,
        )}
        <button type="submit" class="btn btn-outline-primary">${ft('showPeriod')}</button>
      </form>
      ${stats ? statsView(stats, categories) : html`<div aria-live="polite"><p class="qc-empty-line">${ft('statsUnavailable')}</p></div>`}
    </div>`,
  )
  // another period: the same page, in the app (the address keeps the choice)
  main.querySelector<HTMLFormElement>(`#${FORM}`)?.addEventListener('submit', (event) => {
    event.preventDefault()
    const value = new FormData(event.target as HTMLFormElement).get('periodo')
    navigate(`${location.pathname}?periodo=${encodeURIComponent(String(value ?? '365'))}`)
  })
}
