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
import { notFoundPage } from './pages/common'
import { onAfterRender, render, route, setNotFound, startRouter } from './router'
import { loadSession, onSessionChange } from './session'
import { ensureToastRegion, removeToastRegion, showToast } from './toasts'
import pages from 'virtual:qc-pages'

// No Bootstrap Italia JS is loaded (its fonts-loader injects an inline <style>, which the
// CSP forbids), so window.__PUBLIC_PATH__ is not needed: fonts come from main.scss.

document.documentElement.lang = lang()

// The pages are those of qc_platform/webapp/pages.json, which the server answers too
// (see frontend/README.md, "Adding a page")
for (const { path, page } of pages) route(path, page)
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
