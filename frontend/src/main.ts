import './styles/main.scss'

import { lang, onLangChange } from './i18n'
import {
  installHeaderHandlers,
  markCurrent,
  renderFooter,
  renderHeader,
  renderSkipLinks,
} from './layout'
import { notFoundPage } from './pages/common'
import { homePage } from './pages/home'
import { profilePage } from './pages/profile'
import { registerPage } from './pages/register'
import { signInPage } from './pages/signin'
import { spacePage } from './pages/space'
import { onAfterRender, render, route, setNotFound, startRouter } from './router'
import { loadSession, onSessionChange } from './session'

// No Bootstrap Italia JS is loaded (its fonts-loader injects an inline <style>, which the
// CSP forbids), so window.__PUBLIC_PATH__ is not needed: fonts come from main.scss.

document.documentElement.lang = lang()

route('/', homePage)
route('/spazi/:slug', spacePage)
route('/accedi', signInPage)
route('/registrati', registerPage)
route('/profilo', profilePage)
setNotFound(notFoundPage)
onAfterRender(markCurrent)

function renderChrome(): void {
  renderSkipLinks()
  renderHeader()
  renderFooter()
}

renderChrome()
installHeaderHandlers()
onSessionChange(() => renderHeader())
onLangChange(() => {
  renderChrome()
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
