import './styles/main.scss'

import { lang, onLangChange } from './i18n'
import {
  installHeaderHandlers,
  markCurrent,
  renderFooter,
  renderHeader,
  renderSkipLinks,
  updateBell,
} from './layout'
import { followSession, onLiveNotification, onUnreadChange } from './notifications'
import { lazyPage, notFoundPage } from './pages/common'
import { homePage } from './pages/home'
import { notificationsPage } from './pages/notifications'
import { preferencesPage } from './pages/preferences'
import { profilePage } from './pages/profile'
import { registerPage } from './pages/register'
import { signInPage } from './pages/signin'
import { spacePage } from './pages/space'
import { onAfterRender, render, route, setNotFound, startRouter } from './router'
import { loadSession, onSessionChange } from './session'
import { ensureToastRegion, removeToastRegion, showToast } from './toasts'

// No Bootstrap Italia JS is loaded (its fonts-loader injects an inline <style>, which the
// CSP forbids), so window.__PUBLIC_PATH__ is not needed: fonts come from main.scss.

document.documentElement.lang = lang()

route('/', homePage)
route('/spazi/:slug', spacePage)
route('/accedi', signInPage)
route('/registrati', registerPage)
route('/profilo', profilePage)
route('/notifiche', notificationsPage)
route('/notifiche/preferenze', preferencesPage)
// Feedback (segnalazioni): each page's code is a chunk of its own, loaded on first visit
route('/segnalazioni', lazyPage(() => import('./feedback/mine'), (m) => m.myReportsPage))
route('/segnalazioni/nuova', lazyPage(() => import('./feedback/new'), (m) => m.newReportPage))
route('/segnalazioni/:id', lazyPage(() => import('./feedback/detail'), (m) => m.reportPage))
route('/casella', lazyPage(() => import('./feedback/inbox'), (m) => m.inboxPage))
route('/gestione/instradamento', lazyPage(() => import('./feedback/rules'), (m) => m.routingRulesPage))
route('/gestione/comitati', lazyPage(() => import('./feedback/committees'), (m) => m.committeesPage))
route('/complessi/:id/servizio', lazyPage(() => import('./feedback/service'), (m) => m.serviceLevelPage))
// Time bank and marketplace (scambi): lazily loaded chunks too; /scambi/miei and
// /scambi/annunci/… before /scambi/:id, which would match them
route('/banca-del-tempo', lazyPage(() => import('./marketplace/timebank'), (m) => m.timebankPage))
route('/scambi', lazyPage(() => import('./marketplace/browse'), (m) => m.browsePage))
route('/scambi/miei', lazyPage(() => import('./marketplace/mine'), (m) => m.myExchangesPage))
route('/scambi/annunci/nuovo', lazyPage(() => import('./marketplace/new'), (m) => m.newListingPage))
route('/scambi/annunci/:id', lazyPage(() => import('./marketplace/listing'), (m) => m.listingPage))
route('/scambi/:id', lazyPage(() => import('./marketplace/exchange'), (m) => m.exchangePage))
route('/moderazione', lazyPage(() => import('./marketplace/moderation'), (m) => m.moderationPage))
// Catalogue of micro-services (servizi): lazy chunks; /servizi/richieste before /servizi/:id
route('/servizi', lazyPage(() => import('./catalogue/browse'), (m) => m.browsePage))
route('/servizi/richieste', lazyPage(() => import('./catalogue/requests'), (m) => m.myRequestsPage))
route('/servizi/richieste/:id', lazyPage(() => import('./catalogue/request'), (m) => m.requestPage))
route('/servizi/:id', lazyPage(() => import('./catalogue/service'), (m) => m.servicePage))
route('/organizzazioni/:slug', lazyPage(() => import('./catalogue/organisation'), (m) => m.organisationPage))
route('/gestione/servizi', lazyPage(() => import('./catalogue/console'), (m) => m.consolePage))
// Activities (attività): lazy chunks; /attivita/mie before /attivita/:id, which would match it
route('/attivita', lazyPage(() => import('./activities/agenda'), (m) => m.agendaPage))
route('/attivita/mie', lazyPage(() => import('./activities/mine'), (m) => m.myBookingsPage))
route('/attivita/:id', lazyPage(() => import('./activities/activity'), (m) => m.activityPage))
route('/gestione/attivita', lazyPage(() => import('./activities/console'), (m) => m.consolePage))
route('/kiosk/:slug', lazyPage(() => import('./activities/kiosk'), (m) => m.kioskPage))
setNotFound(notFoundPage)
onAfterRender(markCurrent)

function renderChrome(): void {
  renderSkipLinks()
  renderHeader()
  renderFooter()
}

renderChrome()
installHeaderHandlers()
onSessionChange((user) => {
  renderHeader()
  // signed in: the toasts' live region first (so the first toast is announced), then the
  // unread count and the live channel (socket.io-client is loaded only now)
  if (user) ensureToastRegion()
  else removeToastRegion()
  followSession(user)
})
onUnreadChange(() => updateBell())
onLiveNotification(showToast)
onLangChange(() => {
  renderChrome()
  if (document.getElementById('qc-toasts')) ensureToastRegion()
  void render(false)
})

// a stale "signed in" hint is corrected as soon as /auth/me answers
void loadSession().catch(() => undefined)
startRouter()

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined)
  })
}
