import { api, type Area, type Space } from '../api'
import { html, setHtml } from '../html'
import { formatEuroCents, lang, t } from '../i18n'
import { icon } from '../icons'
import { loadingView, setTitle } from '../layout'
import type { PageContext } from '../router'
import { errorView } from './common'

// Areas are localised by the server: cache per language for back/forward navigation.
const cache = new Map<string, { areas: Area[]; spaces: Space[] }>()

function excerpt(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, ' ').trim()
  if (clean.length <= max) return clean
  const cut = clean.slice(0, max)
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20)) + '…'
}

function spaceCard(space: Space) {
  return html`<li class="col-12 col-md-6 col-lg-4 mb-3">
    <div class="card-wrapper card-space qc-space-card">
      <div class="card card-bg no-after">
        <div class="card-body">
          <h3 class="card-title h5">
            <a class="stretched-link" href="/spazi/${encodeURIComponent(space.slug)}">${space.name}</a>
          </h3>
          <p class="qc-card-address mb-2">${icon('it-map-marker', 'icon-sm icon-primary')}<span>${space.address}</span></p>
          ${space.description ? html`<p class="card-text mb-0">${excerpt(space.description)}</p>` : ''}
        </div>
      </div>
    </div>
  </li>`
}

function areaSection(area: Area, spaces: Space[]) {
  const headingId = `area-${area.code}`
  return html`<section class="qc-area py-4" aria-labelledby="${headingId}" data-area="${area.code}">
    <div class="container">
      <p class="qc-area-kicker mb-1">${t('areaLabel')} ${area.number}</p>
      <h2 id="${headingId}">${area.name}</h2>
      ${area.description ? html`<p class="qc-area-description">${area.description}</p>` : ''}
      <p class="qc-area-funding">
        <span class="fw-semibold">${t('startupFunding')}:</span>
        ${formatEuroCents(area.startup_funding_cents)}
      </p>
      ${spaces.length
        ? html`<ul class="row qc-cards list-unstyled" aria-label="${t('spacesOfArea')} ${area.name}">
            ${spaces.map(spaceCard)}
          </ul>`
        : html`<p>${t('noSpaces')}</p>`}
    </div>
  </section>`
}

export async function homePage({ main, signal }: PageContext): Promise<void> {
  setTitle(t('siteName'))
  const language = lang()
  let data = cache.get(language)
  if (!data) {
    setHtml(main, loadingView())
    try {
      const [areas, spaces] = await Promise.all([api.areas(signal), api.spaces(signal)])
      data = { areas: areas.items, spaces: spaces.items }
      cache.set(language, data)
    } catch (err) {
      if (signal.aborted) throw err
      setHtml(main, errorView('homeTitle', err))
      return
    }
  }
  const areas = [...data.areas].sort((a, b) => a.number - b.number)
  const spaces = data.spaces
  setHtml(
    main,
    html`<div class="qc-hero">
        <div class="container py-4">
          <h1 class="qc-hero-title">${t('homeTitle')}</h1>
          <p class="lead mb-2">${t('homeIntro1')}</p>
          <p class="mb-2">${t('homeIntro2')}</p>
          <p class="mb-0"><a class="qc-hero-link" href="/attivita">${t('homeActivitiesLink')}</a></p>
        </div>
      </div>
      ${areas.map((area) =>
        areaSection(
          area,
          spaces.filter((s) => s.area_id === area.id).sort((a, b) => a.name.localeCompare(b.name, language)),
        ),
      )}`,
  )
}
