import type { Me, RoleGrant } from '../api'
import { html, setHtml } from '../html'
import { LANGUAGE_NAMES, isLang, roleName, t, type Key } from '../i18n'
import { icon } from '../icons'
import { alertBox, loadingView, setTitle } from '../layout'
import { canReport, hasInbox, isStaff } from '../roles'
import { navigate, type PageContext } from '../router'
import { refreshSession, signOut } from '../session'
import { errorMessage, errorView } from './common'

const SCOPE_KEYS: Record<string, Key> = {
  complex: 'scopeComplex',
  organisation: 'scopeOrganisation',
  organization: 'scopeOrganisation',
  committee: 'scopeCommittee',
}

function roleLabel(grant: RoleGrant): string {
  const name = roleName(grant.role)
  if (!grant.scope_type) return name
  const scopeKey = SCOPE_KEYS[grant.scope_type]
  const scope = scopeKey ? t(scopeKey) : grant.scope_type
  return grant.scope_id === null ? `${name} (${scope})` : `${name} (${scope} n. ${grant.scope_id})`
}

function profileView(me: Me) {
  const language = isLang(me.locale) ? LANGUAGE_NAMES[me.locale] : me.locale
  return html`<div class="container py-4 qc-narrow">
    <h1>${t('profileTitle')}</h1>
    <div class="qc-email-banner"></div>
    <div class="qc-profile-status" aria-live="assertive" aria-atomic="true"></div>
    <dl class="qc-facts qc-profile">
      <div><dt>${t('displayName')}</dt><dd class="qc-display-name">${me.display_name}</dd></div>
      <div><dt>${t('email')}</dt><dd class="qc-email">${me.email}</dd></div>
      <div><dt>${t('userNumber')}</dt><dd class="qc-user-number">${me.id}</dd></div>
      <div><dt>${t('language')}</dt><dd class="qc-locale">${language}</dd></div>
    </dl>
    <div class="qc-profile-details"></div>
    <h2 class="h4">${t('roles')}</h2>
    ${me.roles.length
      ? html`<ul class="qc-roles list-unstyled">
          ${me.roles.map(
            (g) =>
              html`<li class="chip chip-simple qc-role" data-role="${g.role}">
                <span class="chip-label">${roleLabel(g)}</span>
              </li>`,
          )}
        </ul>`
      : html`<p>${t('noRoles')}</p>`}
    <div class="qc-tenancy"></div>
    <p class="mt-4 mb-0">
      <a href="/notifiche">${t('notificationsTitle')}</a> ·
      <a href="/notifiche/preferenze">${t('preferencesTitle')}</a>
    </p>
    <h2 class="h4 mt-4">${t('myDataSection')}</h2>
    <ul class="qc-profile-links qc-my-data">
      <li><a href="/api/v1/users/me/export" download>${t('exportMyData')}</a></li>
      <li><a href="/api/v1/users/me/export?format=zip" download>${t('exportMyDataZip')}</a></li>
      <li><a href="/privacy">${t('footerPrivacy')}</a></li>
      <li><a href="/profilo/cancella-account" class="text-danger">${t('eraseAccountLink')}</a></li>
    </ul>
    ${canReport(me) || hasInbox(me)
      ? html`<h2 class="h4 mt-4">${t('reportsSection')}</h2>
          <ul class="qc-profile-links">
            <li><a href="/segnalazioni">${t('myReportsLink')}</a></li>
            ${canReport(me) ? html`<li><a href="/segnalazioni/nuova">${t('newReportLink')}</a></li>` : ''}
            ${hasInbox(me) ? html`<li><a href="/casella">${t('inboxLink')}</a></li>` : ''}
          </ul>`
      : ''}
    ${isStaff(me)
      ? html`<h2 class="h4 mt-4">${t('manageSection')}</h2>
          <ul class="qc-profile-links">
            <li><a href="/gestione/instradamento">${t('routingRulesLink')}</a></li>
            <li><a href="/gestione/comitati">${t('committeesLink')}</a></li>
          </ul>`
      : ''}
    <div class="qc-account"></div>
    <div class="qc-devices-slot"></div>
    <button type="button" class="btn btn-outline-primary mt-4 qc-signout">
      ${icon('it-logout', 'icon-primary icon-sm')} <span>${t('signOut')}</span>
    </button>
  </div>`
}

export async function profilePage({ main, signal }: PageContext): Promise<void> {
  setTitle(t('profileTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  try {
    me = await refreshSession()
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView('profileTitle', err))
    return
  }
  if (signal.aborted) return
  if (!me) {
    navigate('/accedi', { replace: true })
    return
  }
  setHtml(main, profileView(me))
  // password, e-mail and its confirmation: a chunk of their own, in place before "ready"
  const { mountAccount } = await import('../account/profile')
  if (signal.aborted) return
  mountAccount(me, main.querySelector('.qc-email-banner'), main.querySelector('.qc-account'))
  // name and language, tenancy, sessions and tokens: another chunk, also before "ready"
  const { mountProfileSections } = await import('../profile/sections')
  if (signal.aborted) return
  await mountProfileSections(me, main, signal)
  if (signal.aborted) return
  const button = main.querySelector<HTMLButtonElement>('.qc-signout')
  button?.addEventListener('click', () => {
    button.disabled = true
    signOut()
      .then(() => navigate('/accedi', { flash: t('signedOut') }))
      .catch((err: unknown) => {
        button.disabled = false
        const status = main.querySelector('.qc-profile-status')
        if (status) setHtml(status, alertBox('danger', errorMessage(err)))
      })
  })
}
