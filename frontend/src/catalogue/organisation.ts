/**
 * /organizzazioni/<slug> — an organisation of the third sector: who it is, where to find it
 * (the spaces it runs, with their addresses), and its services, each with the space it
 * works from, when it is open and whether it is open now.
 */

import type { Space } from '../api'
import { html, setHtml, type Safe } from '../html'
import { icon } from '../icons'
import { loadingView, setTitle } from '../layout'
import { breadcrumb, errorView, messageView, paragraphs } from '../pages/scaffold'
import type { PageContext } from '../router'
import { catalogue, type Category, type Organisation, type Service } from './api'
import { serviceCard } from './common'
import { ct } from './i18n'

function safeWebsite(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null
}

function pageView(o: Organisation, spaces: Space[], services: Service[], spaceNames: Map<number, string>, categories: Map<string, string>): Safe {
  const website = safeWebsite(o.website)
  return html`<div class="container py-4 qc-organisation" data-slug="${o.slug}">
    ${breadcrumb([{ href: '/servizi', label: ct('browseTitle') }, { label: o.name }])}
    <h1>${o.name}</h1>
    ${o.is_placeholder ? html`<p class="qc-note">${ct('placeholderNote')}</p>` : ''}
    ${o.description ? html`<div class="qc-organisation-description">${paragraphs(o.description)}</div>` : ''}
    ${website ? html`<p><a href="${website}" rel="noopener noreferrer">${ct('website')}: ${website}</a></p>` : ''}
    <div class="row">
      <section class="col-12 col-lg-5 mb-4" aria-labelledby="org-where">
        <h2 id="org-where" class="h4">${icon('it-map-marker', 'icon-primary')} ${ct('whereHeading')}</h2>
        ${spaces.length
          ? html`<ul class="qc-org-spaces list-unstyled">
              ${spaces.map(
                (s) => html`<li class="qc-org-space" data-slug="${s.slug}">
                  <a href="/spazi/${s.slug}">${s.name}</a>
                  <span class="qc-address">${s.address}</span>
                </li>`,
              )}
            </ul>`
          : html`<p class="qc-empty">${ct('noSpaces')}</p>`}
      </section>
      <section class="col-12 col-lg-7 mb-4" aria-labelledby="org-services">
        <h2 id="org-services" class="h4">${ct('servicesHeading')}</h2>
        ${services.length
          ? html`<ul class="qc-services list-unstyled">
              ${services.map((s) =>
                serviceCard(s, {
                  level: 3,
                  category: categories.get(s.category),
                  space: s.space_id !== null ? spaceNames.get(s.space_id) : undefined,
                  hours: true,
                }),
              )}
            </ul>`
          : html`<p class="qc-empty">${ct('noServices')}</p>`}
      </section>
    </div>
  </div>`
}

export async function organisationPage(ctx: PageContext): Promise<void> {
  const { main, signal, params } = ctx
  const slug = params.slug ?? ''
  setTitle(ct('organisationTitle'))
  setHtml(main, loadingView())
  let o: Organisation | null
  let spaces: Space[]
  let services: Service[]
  let categories: Category[]
  const spaceNames = new Map<number, string>()
  try {
    o = /^[a-z0-9-]{1,80}$/.test(slug) ? await catalogue.organisationBySlug(slug, signal) : null
    if (o) {
      const [own, page, cats] = await Promise.all([
        catalogue.spaces(o.id, signal),
        catalogue.services({ organisation: o.id, limit: 100 }, signal),
        catalogue.categories(signal),
      ])
      spaces = own
      services = page.items
      categories = cats
      for (const s of spaces) spaceNames.set(s.id, s.name)
      // a service may work from a space the organisation does not run
      const others = [...new Set(services.map((s) => s.space_id))].filter(
        (id): id is number => id !== null && !spaceNames.has(id),
      )
      const found = await Promise.all(others.map((id) => catalogue.space(id, signal).catch(() => null)))
      for (const s of found) if (s) spaceNames.set(s.id, s.name)
    } else {
      spaces = []
      services = []
      categories = []
    }
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(ct('organisationTitle'), err))
    return
  }
  if (signal.aborted) return
  if (!o) {
    setTitle(ct('organisationNotFoundTitle'))
    setHtml(
      main,
      messageView(ct('organisationNotFoundTitle'), ct('organisationNotFound'), html`<p><a href="/servizi">${ct('backToServices')}</a></p>`),
    )
    return
  }
  setTitle(o.name)
  setHtml(main, pageView(o, spaces, services, spaceNames, new Map(categories.map((c) => [c.code, c.name]))))
}
