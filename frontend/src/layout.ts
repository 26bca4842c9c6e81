/** Header (Bootstrap Italia look, simplified for phones), footer and page-level helpers. */

import { ApiError, api } from './api'
import { html, setHtml, type Safe } from './html'
import { LANGUAGE_NAMES, lang, plural, setLang, t, isLang, type Lang } from './i18n'
import { icon } from './icons'
import { unreadCount } from './notifications'
import { canModerate, canReport, hasInbox, hasRole } from './roles'
import { currentUser, probablySignedIn, refreshSession } from './session'

const LANGS: Lang[] = ['it', 'en']

/**
 * After a signed-in person switches the site's language to one that is not their
 * profile's, the header offers to save it there too (notifications and e-mails follow the
 * profile): asked, then saved (or the error), until answered.
 */
let langOffer: { lang: Lang; state: 'ask' | 'saved' | 'error'; message?: string; path?: string } | null = null

function langOfferView(): Safe | '' {
  const user = currentUser()
  if (!langOffer || !user) return ''
  if (langOffer.state === 'ask' && user.locale === langOffer.lang) return ''
  const text =
    langOffer.state === 'saved' ? t('langOfferSaved') : langOffer.state === 'error' ? (langOffer.message ?? '') : t('langOfferText')
  return html`<div class="qc-lang-offer" role="region" aria-label="${t('langOfferLabel')}">
    <div class="container">
      <p class="qc-lang-offer-msg" tabindex="-1">${text}</p>
      ${langOffer.state === 'saved'
        ? ''
        : html`<div class="qc-lang-offer-actions">
            <button type="button" class="btn btn-primary btn-sm" data-lang-offer="yes">${t('langOfferYes')}</button>
            <button type="button" class="btn btn-outline-primary btn-sm" data-lang-offer="no">${t('langOfferNo')}</button>
          </div>`}
    </div>
  </div>`
}

function focusLangOffer(): boolean {
  const msg = document.querySelector<HTMLElement>('#header .qc-lang-offer-msg')
  msg?.focus()
  return !!msg
}

async function saveLangOffer(): Promise<void> {
  const offer = langOffer
  if (!offer) return
  for (const b of document.querySelectorAll<HTMLButtonElement>('#header [data-lang-offer]')) b.disabled = true
  try {
    await api.updateMe({ locale: offer.lang })
    langOffer = { lang: offer.lang, state: 'saved', path: location.pathname }
  } catch (err) {
    langOffer = { lang: offer.lang, state: 'error', message: err instanceof ApiError ? err.message : t('genericError') }
  }
  // the profile as the server has it now (the header is drawn again when it changes)
  await refreshSession().catch(() => null)
  renderHeader()
  focusLangOffer()
}

function bellLabel(count: number | null): string {
  return plural(count ?? 0, { none: 'bellLabel', one: 'bellLabelOne', many: 'bellLabelMany' })
}

function badgeText(count: number | null): string {
  if (!count) return ''
  return count > 99 ? '99+' : String(count)
}

/** The bell: a link to /notifiche named with the unread count (the badge is decoration). */
function bell(): Safe {
  const count = unreadCount()
  return html`<a class="qc-bell" href="/notifiche" aria-label="${bellLabel(count)}">
    ${icon('qc-bell', 'icon-white')}
    <span class="badge qc-bell-badge" aria-hidden="true">${badgeText(count)}</span>
  </a>`
}

/** The site's name and tagline, linking home (header and footer). */
function brandLink(): Safe {
  return html`<a href="/">
    ${icon('it-pa')}
    <div class="it-brand-text">
      <div class="it-brand-title">${t('siteName')}</div>
      <div class="it-brand-tagline">${t('siteTagline')}</div>
    </div>
  </a>`
}

/** Update the bell in place (no header redraw: keyboard focus stays where it is). */
export function updateBell(): void {
  const link = document.querySelector<HTMLAnchorElement>('#header a.qc-bell')
  if (!link) return
  const count = unreadCount()
  link.setAttribute('aria-label', bellLabel(count))
  link.dataset.count = String(count ?? 0)
  const badge = link.querySelector('.qc-bell-badge')
  if (badge) badge.textContent = badgeText(count)
}

function navLink(href: string, label: string): Safe {
  return html`<li><a class="qc-nav-link" href="${href}">${label}</a></li>`
}

/** A selector that finds `el` again once the header is drawn anew (null: not one of ours). */
function focusKey(el: Element): string | null {
  const lang = el.getAttribute('data-lang')
  if (lang) return `button[data-lang="${lang}"]`
  const offer = el.getAttribute('data-lang-offer')
  if (offer) return `button[data-lang-offer="${offer}"]`
  for (const cls of ['qc-lang-offer-msg', 'qc-access', 'qc-bell']) if (el.classList.contains(cls)) return `.${cls}`
  const href = el.getAttribute('href')
  if (href && el.classList.contains('qc-nav-link')) return `a.qc-nav-link[href="${CSS.escape(href)}"]`
  return null
}

export function renderHeader(): void {
  const header = document.getElementById('header')
  if (!header) return
  // drawn again when the session or the language changes: keyboard focus stays in place
  const active = document.activeElement
  const refocus = active && header.contains(active) ? focusKey(active) : null
  const signedIn = probablySignedIn()
  const user = currentUser()
  const accessLabel = signedIn ? (user?.display_name ?? t('navProfile')) : t('navSignIn')
  setHtml(
    header,
    html`
      <div class="it-header-slim-wrapper">
        <div class="container">
          <div class="it-header-slim-wrapper-content">
            <span class="navbar-brand qc-owner">${t('owner')}</span>
            <div class="it-header-slim-right-zone">
              <div class="qc-lang" role="group" aria-label="${t('languageNav')}">
                ${LANGS.map(
                  (code) => html`<button
                    type="button"
                    class="qc-lang-btn"
                    data-lang="${code}"
                    lang="${code}"
                    aria-pressed="${code === lang() ? 'true' : 'false'}"
                  >
                    <span aria-hidden="true">${code.toUpperCase()}</span
                    ><span class="visually-hidden">${LANGUAGE_NAMES[code]}</span>
                  </button>`,
                )}
              </div>
              ${signedIn ? bell() : ''}
              <a
                class="btn btn-primary btn-sm qc-access"
                href="${signedIn ? '/profilo' : '/accedi'}"
                data-nav="${signedIn ? '/profilo' : '/accedi'}"
              >
                ${icon('it-user', 'icon-white icon-sm')}
                <span class="qc-access-label">${accessLabel}</span>
              </a>
            </div>
          </div>
        </div>
      </div>
      ${langOfferView()}
      <div class="it-header-center-wrapper">
        <div class="container">
          <div class="it-header-center-content-wrapper">
            <div class="it-brand-wrapper">${brandLink()}</div>
          </div>
        </div>
      </div>
      <nav class="qc-nav" id="nav" aria-label="${t('mainNav')}">
        <div class="container">
          <ul class="qc-nav-list">
            ${navLink('/', t('navSpaces'))}
            ${navLink('/attivita', t('navActivities'))}
            ${navLink('/servizi', t('navServices'))}
            ${signedIn
              ? [
                  canReport(user) || hasInbox(user) ? navLink('/segnalazioni', t('navReports')) : '',
                  hasInbox(user) ? navLink('/casella', t('navInbox')) : '',
                  navLink('/banca-del-tempo', t('navTimebank')),
                  navLink('/scambi', t('navMarketplace')),
                  canModerate(user) ? navLink('/moderazione', t('navModeration')) : '',
                  hasRole(user, 'operator') ? navLink('/gestione/servizi', t('navMyServices')) : '',
                  hasRole(user, 'operator') ? navLink('/gestione/attivita', t('navMyActivities')) : '',
                  navLink('/profilo', t('navProfile')),
                ]
              : [navLink('/accedi', t('navSignIn')), navLink('/registrati', t('navRegister'))]}
          </ul>
        </div>
      </nav>
    `,
  )
  updateBell()
  markCurrent(location.pathname)
  if (refocus) header.querySelector<HTMLElement>(refocus)?.focus()
}

/** aria-current="page" on the links that point at the current page. */
export function markCurrent(pathname: string): void {
  const header = document.getElementById('header')
  if (!header) return
  // "saved" stays until the person moves on to another page
  if (langOffer?.state === 'saved' && langOffer.path !== pathname) {
    langOffer = null
    header.querySelector('.qc-lang-offer')?.remove()
  }
  for (const a of header.querySelectorAll<HTMLAnchorElement>('a.qc-nav-link, a.qc-access, a.qc-bell')) {
    if (new URL(a.href).pathname === pathname) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
}

export function renderFooter(): void {
  const footer = document.getElementById('footer')
  if (!footer) return
  setHtml(
    footer,
    html`
      <div class="it-footer-main">
        <div class="container">
          <div class="it-brand-wrapper py-4">${brandLink()}</div>
          <p class="qc-footer-about pb-3 mb-0">${t('footerAbout')}</p>
        </div>
      </div>
      <div class="it-footer-small-prints">
        <div class="container">
          <nav aria-label="${t('footerNav')}">
            <ul class="it-footer-small-prints-list qc-footer-links">
              <li><a href="/privacy">${t('footerPrivacy')}</a></li>
              <li><a href="/accessibilita">${t('footerAccessibility')}</a></li>
              <li><a href="/aiuto">${t('footerHelp')}</a></li>
              <li><a href="/api/docs">${t('footerApi')}</a></li>
            </ul>
          </nav>
        </div>
      </div>
    `,
  )
}

export function renderSkipLinks(): void {
  const skip = document.getElementById('skiplinks')
  if (!skip) return
  setHtml(
    skip,
    html`<a class="visually-hidden-focusable" href="#main">${t('skipToContent')}</a>
      <a class="visually-hidden-focusable" href="#nav">${t('skipToNav')}</a>`,
  )
}

export function installHeaderHandlers(): void {
  // skip links: move keyboard focus (not only the scroll position) to the target
  document.getElementById('skiplinks')?.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[href^="#"]')
    const target = link ? document.getElementById(link.hash.slice(1)) : null
    if (!target) return
    event.preventDefault()
    if (!target.hasAttribute('tabindex')) target.tabIndex = -1
    target.focus()
    target.scrollIntoView()
  })

  document.getElementById('header')?.addEventListener('click', (event) => {
    const target = event.target as Element | null
    const answer = target?.closest<HTMLButtonElement>('button[data-lang-offer]')
    if (answer) {
      if (answer.dataset.langOffer === 'yes') {
        void saveLangOffer()
      } else {
        const code = langOffer?.lang
        langOffer = null
        renderHeader()
        document.querySelector<HTMLButtonElement>(`button[data-lang="${code}"]`)?.focus()
      }
      return
    }
    const btn = target?.closest<HTMLButtonElement>('button[data-lang]')
    if (!btn) return
    const code = btn.dataset.lang
    if (isLang(code)) {
      const user = currentUser()
      if (code !== lang()) langOffer = user && user.locale !== code ? { lang: code, state: 'ask' } : null
      setLang(code)
      // the offer's question if there is one, else keep keyboard focus on the pressed button
      if (!focusLangOffer()) document.querySelector<HTMLButtonElement>(`button[data-lang="${code}"]`)?.focus()
    }
  })
}

export function setTitle(pageTitle: string): void {
  document.title = pageTitle === t('siteName') ? pageTitle : `${pageTitle} · ${t('siteName')}`
}

export function loadingView(): Safe {
  return html`<div class="container py-5"><p class="qc-loading" role="status">${t('loading')}</p></div>`
}

/** An alert; callers put it inside an aria-live region that is already on the page. */
export function alertBox(kind: 'danger' | 'success' | 'info', message: string, details: string[] = []): Safe {
  const name = kind === 'danger' ? 'it-error' : kind === 'success' ? 'it-check-circle' : 'it-info-circle'
  return html`<div class="alert alert-${kind} qc-alert">
    ${icon(name, 'qc-alert-icon')}
    <div>
      <p class="mb-0">${message}</p>
      ${details.length ? html`<ul class="mb-0 mt-1">${details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
    </div>
  </div>`
}
