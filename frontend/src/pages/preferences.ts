import { api, type NotificationPreference, type NotificationPreferences } from '../api'
import { busy, showApiError, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { t } from '../i18n'
import { alertBox } from '../layout'
import type { PageContext } from '../router'
import { loadForSignedIn } from './common'

const FORM = 'preferences'

function switchId(kind: string): string {
  return `${FORM}-${kind.replace(/[^A-Za-z0-9_-]/g, '-')}`
}

/** A Bootstrap Italia toggle, exposed as a switch, with the kind's description under it. */
function switchView(p: NotificationPreference, enabled: boolean): Safe {
  const id = switchId(p.kind)
  return html`<div class="form-check qc-switch" data-kind="${p.kind}">
    <div class="toggles">
      <label for="${id}">
        <span class="qc-switch-name">${p.name}</span>
        <input
          type="checkbox"
          role="switch"
          id="${id}"
          name="email"
          value="${p.kind}"
          aria-describedby="${id}-help"
          ${p.email ? 'checked' : ''}
          ${enabled ? '' : 'disabled'}
        />
        <span class="lever" aria-hidden="true"></span>
      </label>
    </div>
    <small class="form-text qc-switch-help" id="${id}-help">${p.description}</small>
  </div>`
}

function formView(prefs: NotificationPreferences): Safe {
  const enabled = prefs.email_enabled
  return html`<div class="container py-4 qc-narrow">
    <nav class="breadcrumb-container" aria-label="${t('breadcrumb')}">
      <ol class="breadcrumb">
        <li class="breadcrumb-item"><a href="/notifiche">${t('notificationsTitle')}</a><span class="separator" aria-hidden="true">/</span></li>
        <li class="breadcrumb-item active" aria-current="page">${t('preferencesTitle')}</li>
      </ol>
    </nav>
    <h1>${t('preferencesTitle')}</h1>
    <p>${t('preferencesIntro')}</p>
    ${enabled ? '' : html`<div class="qc-email-unavailable">${alertBox('info', t('emailUnavailable'))}</div>`}
    <form id="${FORM}" class="qc-form qc-preferences" novalidate>
      ${statusRegion(FORM)}
      ${prefs.items.length
        ? html`<fieldset class="qc-switches" ${enabled ? '' : 'disabled'}>
            <legend>${t('preferencesLegend')}</legend>
            ${prefs.items.map((p) => switchView(p, enabled))}
          </fieldset>`
        : html`<p>${t('preferencesNone')}</p>`}
      <button type="submit" class="btn btn-primary" ${enabled && prefs.items.length ? '' : 'disabled'}>
        ${t('preferencesSave')}
      </button>
    </form>
  </div>`
}

export async function preferencesPage(context: PageContext): Promise<void> {
  const { main } = context
  const loaded = await loadForSignedIn(context, 'preferencesTitle', (signal) =>
    api.notificationPreferences(signal),
  )
  if (!loaded) return
  let prefs: NotificationPreferences = loaded

  setHtml(main, formView(prefs))
  const form = main.querySelector<HTMLFormElement>(`#${FORM}`)
  if (!form) return
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (!prefs.email_enabled) return
    const preferences = Array.from(
      form.querySelectorAll<HTMLInputElement>('input[name="email"]'),
      (input) => ({ kind: input.value, email: input.checked }),
    )
    void busy(form, async () => {
      try {
        prefs = await api.saveNotificationPreferences(preferences)
        // show what the server kept
        for (const p of prefs.items) {
          const input = form.querySelector<HTMLInputElement>(`#${CSS.escape(switchId(p.kind))}`)
          if (input) input.checked = p.email
        }
        const status = form.querySelector('.qc-form-status')
        if (status) setHtml(status, alertBox('success', t('preferencesSaved')))
      } catch (err) {
        showApiError(form, err)
      }
    })
  })
}
