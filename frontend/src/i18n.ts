/** UI strings in Italian (default) and English; the choice is kept in localStorage. */

export type Lang = 'it' | 'en'

const STORAGE_KEY = 'qc.lang'

const it = {
  siteName: 'Quartieri Connessi',
  siteTagline: 'Gli spazi di quartiere nelle case popolari di Milano',
  owner: 'Comune di Milano',
  skipToContent: 'Vai al contenuto principale',
  skipToNav: 'Vai alla navigazione',
  mainNav: 'Navigazione principale',
  languageNav: 'Lingua del sito',
  navSpaces: 'Gli spazi',
  navSignIn: 'Accedi',
  navRegister: 'Registrati',
  navProfile: 'Il mio profilo',
  switchTo: 'Passa all’italiano',
  loading: 'Caricamento in corso…',
  genericError: 'Si è verificato un errore. Riprova più tardi.',
  networkError: 'Connessione non riuscita. Controlla la rete e riprova.',
  errorTitle: 'Attenzione',
  formHasErrors: 'Controlla i campi evidenziati.',
  required: 'Campo obbligatorio.',

  homeTitle: 'Gli spazi di Quartieri Connessi',
  homeIntro1:
    'Quartieri Connessi è il progetto del Comune di Milano (PON Metro 2014–2020) che ha riaperto nove locali al piano terra di altrettanti complessi di edilizia residenziale pubblica.',
  homeIntro2:
    'Ogni spazio è gestito da un ente del Terzo settore e offre servizi, attività e occasioni di lavoro a chi abita nel quartiere e a tutta la città. Gli spazi sono divisi nelle tre aree del progetto.',
  areaLabel: 'Area',
  startupFunding: 'Finanziamento di avvio',
  spacesOfArea: 'Spazi dell’area',
  noSpaces: 'Nessuno spazio in quest’area.',
  openSpace: 'Scopri lo spazio',

  home: 'Home',
  breadcrumb: 'Percorso di navigazione',
  confirmNo: 'No, torna indietro',
  spaceArea: 'Area di progetto',
  spaceOperator: 'Gestito da',
  spaceComplex: 'Complesso ERP',
  spaceAddress: 'Indirizzo',
  spaceHours: 'Orari di apertura',
  spaceDescription: 'Lo spazio',
  day: 'Giorno',
  hours: 'Orario',
  closed: 'Chiuso',
  spaceNotFoundTitle: 'Spazio non trovato',
  spaceNotFound: 'Lo spazio che cerchi non esiste o non è più disponibile.',
  backHome: 'Torna all’elenco degli spazi',
  pageNotFoundTitle: 'Pagina non trovata',
  pageNotFound: 'La pagina che cerchi non esiste.',

  signInTitle: 'Accedi',
  signInIntro: 'Accedi con l’email e la password del tuo account.',
  email: 'Email',
  password: 'Password',
  signInSubmit: 'Accedi',
  noAccount: 'Non hai ancora un account?',
  forgotPasswordLink: 'Password dimenticata?',
  registerLink: 'Registrati',
  signedOut: 'Sei uscito dal tuo account.',

  registerTitle: 'Registrati',
  registerIntro: 'Crea un account per prenotare le attività e usare i servizi degli spazi.',
  displayName: 'Nome visualizzato',
  displayNameHelp: 'Il nome che vedranno gli altri utenti.',
  passwordHelp:
    'Almeno 10 caratteri, senza il tuo nome né la parte della tua e-mail prima della @, e non facile da indovinare: evita parole singole, date e sequenze come 12345. Tre o quattro parole che non c’entrano tra loro vanno bene.',
  passwordTooShort: 'La password deve avere almeno 10 caratteri.',
  invalidEmail: 'Inserisci un indirizzo email valido.',
  language: 'Lingua',
  registerSubmit: 'Crea l’account',
  haveAccount: 'Hai già un account?',
  signInLink: 'Accedi',

  profileTitle: 'Il mio profilo',
  roles: 'I miei ruoli',
  noRoles: 'Nessun ruolo assegnato.',
  signOut: 'Esci',
  scopeComplex: 'complesso',
  scopeOrganisation: 'ente gestore',
  scopeCommittee: 'comitato',

  notifications: 'Notifiche',
  bellLabel: 'Notifiche',
  bellLabelOne: 'Notifiche, 1 non letta',
  bellLabelMany: 'Notifiche, {n} non lette',
  toastRegion: 'Notifiche in arrivo',
  toastOpen: 'Apri',
  toastClose: 'Chiudi l’avviso',
  notificationsTitle: 'Notifiche',
  notificationsIntro: 'Gli avvisi che ti riguardano, dal più recente.',
  unreadSummaryNone: 'Nessuna notifica da leggere.',
  unreadSummaryOne: 'Hai 1 notifica da leggere.',
  unreadSummaryMany: 'Hai {n} notifiche da leggere.',
  unread: 'Non letta',
  markRead: 'Segna come letta',
  markAllRead: 'Segna tutte come lette',
  markedRead: 'Notifica segnata come letta.',
  markedAllRead: 'Tutte le notifiche sono state segnate come lette.',
  loadMore: 'Mostra notifiche meno recenti',
  noNotifications: 'Non hai ancora notifiche. Quando qualcosa ti riguarda, lo trovi qui.',
  newNotification: 'Nuova notifica: {title}',
  receivedAt: 'Ricevuta il',
  preferencesLink: 'Preferenze e-mail',
  preferencesTitle: 'Preferenze di notifica',
  preferencesIntro:
    'Le notifiche arrivano sempre qui, nell’app. Scegli per quali vuoi ricevere anche un’e-mail.',
  preferencesLegend: 'Ricevi anche per e-mail',
  emailUnavailable:
    'L’invio di e-mail non è attivo su questo servizio: per ora le notifiche arrivano solo nell’app.',
  preferencesSave: 'Salva le preferenze',
  preferencesSaved: 'Preferenze salvate.',
  preferencesNone: 'Non ci sono tipi di notifica da configurare.',
  backToNotifications: 'Torna alle notifiche',

  navReports: 'Segnalazioni',
  navInbox: 'Segnalazioni ricevute',
  navTimebank: 'Banca del tempo',
  navMarketplace: 'Scambi',
  navModeration: 'Moderazione',
  navServices: 'Servizi',
  navMyServices: 'I miei servizi',
  navActivities: 'Attività',
  navMyActivities: 'Gestione attività',
  homeActivitiesLink: 'Cosa succede questa settimana negli spazi',
  pageLoadError: 'Non è stato possibile aprire la pagina. Controlla la connessione e riprova.',
  reportsSection: 'Segnalazioni',
  myReportsLink: 'Le mie segnalazioni',
  newReportLink: 'Fai una segnalazione',
  inboxLink: 'Segnalazioni ricevute',
  manageSection: 'Gestione delle segnalazioni',
  routingRulesLink: 'Chi riceve le segnalazioni (regole)',
  committeesLink: 'Comitati inquilini',
  serviceLevelLink: 'Come vengono seguite le segnalazioni in questo complesso',
  // shown on the profile: custodians and staff ask for it to report on a tenant's behalf,
  // staff to add a committee member
  userNumber: 'Numero utente',

  footerAbout:
    'Piattaforma del progetto Quartieri Connessi — PON Metro 2014–2020, azione MI1.1.1.a. Comune di Milano.',
  footerApi: 'Documentazione delle API',
  footerPrivacy: 'Privacy',
  footerAccessibility: 'Dichiarazione di accessibilità',
  footerHelp: 'Aiuto',
  myDataSection: 'I tuoi dati',
  exportMyData: 'Scarica i tuoi dati (JSON)',
  exportMyDataZip: 'Scarica i tuoi dati con gli allegati (ZIP)',
  eraseAccountLink: 'Cancella il tuo account',
  footerNav: 'Collegamenti a piè di pagina',
  // the header's offer, after switching language while signed in
  langOfferLabel: 'Lingua del tuo profilo',
  langOfferText: 'Vuoi ricevere in italiano anche le notifiche e le e-mail?',
  langOfferYes: 'Sì, salva nel mio profilo',
  langOfferNo: 'No, grazie',
  langOfferSaved: 'Fatto: l’italiano è la lingua del tuo profilo.',
}

export type Key = keyof typeof it

const en: Record<Key, string> = {
  siteName: 'Quartieri Connessi',
  siteTagline: 'Neighbourhood spaces in Milan’s public housing',
  owner: 'City of Milan',
  skipToContent: 'Skip to main content',
  skipToNav: 'Skip to navigation',
  mainNav: 'Main navigation',
  languageNav: 'Site language',
  navSpaces: 'Spaces',
  navSignIn: 'Sign in',
  navRegister: 'Register',
  navProfile: 'My profile',
  switchTo: 'Switch to English',
  loading: 'Loading…',
  genericError: 'Something went wrong. Please try again later.',
  networkError: 'Could not connect. Check your network and try again.',
  errorTitle: 'Attention',
  formHasErrors: 'Please check the highlighted fields.',
  required: 'This field is required.',

  homeTitle: 'The Quartieri Connessi spaces',
  homeIntro1:
    'Quartieri Connessi is a City of Milan project (PON Metro 2014–2020) that reopened nine ground-floor premises in as many public housing estates.',
  homeIntro2:
    'Each space is run by a third-sector organisation and offers services, activities and work opportunities to the people of the neighbourhood and to the whole city. The spaces are grouped in the project’s three areas.',
  areaLabel: 'Area',
  startupFunding: 'Start-up funding',
  spacesOfArea: 'Spaces of the area',
  noSpaces: 'No spaces in this area.',
  openSpace: 'Discover the space',

  home: 'Home',
  breadcrumb: 'Breadcrumb',
  confirmNo: 'No, go back',
  spaceArea: 'Project area',
  spaceOperator: 'Run by',
  spaceComplex: 'Public housing estate',
  spaceAddress: 'Address',
  spaceHours: 'Opening hours',
  spaceDescription: 'About the space',
  day: 'Day',
  hours: 'Hours',
  closed: 'Closed',
  spaceNotFoundTitle: 'Space not found',
  spaceNotFound: 'The space you are looking for does not exist or is no longer available.',
  backHome: 'Back to the list of spaces',
  pageNotFoundTitle: 'Page not found',
  pageNotFound: 'The page you are looking for does not exist.',

  signInTitle: 'Sign in',
  signInIntro: 'Sign in with your account’s email and password.',
  email: 'Email',
  password: 'Password',
  signInSubmit: 'Sign in',
  noAccount: 'No account yet?',
  forgotPasswordLink: 'Forgot your password?',
  registerLink: 'Register',
  signedOut: 'You have signed out.',

  registerTitle: 'Register',
  registerIntro: 'Create an account to book activities and use the spaces’ services.',
  displayName: 'Display name',
  displayNameHelp: 'The name other users will see.',
  passwordHelp:
    'At least 10 characters, without your name or the part of your e-mail before the @, and not easy to guess: avoid single words, dates and sequences such as 12345. Three or four unrelated words are fine.',
  passwordTooShort: 'The password must be at least 10 characters long.',
  invalidEmail: 'Enter a valid email address.',
  language: 'Language',
  registerSubmit: 'Create account',
  haveAccount: 'Already have an account?',
  signInLink: 'Sign in',

  profileTitle: 'My profile',
  roles: 'My roles',
  noRoles: 'No roles assigned.',
  signOut: 'Sign out',
  scopeComplex: 'complex',
  scopeOrganisation: 'organisation',
  scopeCommittee: 'committee',

  notifications: 'Notifications',
  bellLabel: 'Notifications',
  bellLabelOne: 'Notifications, 1 unread',
  bellLabelMany: 'Notifications, {n} unread',
  toastRegion: 'Incoming notifications',
  toastOpen: 'Open',
  toastClose: 'Dismiss',
  notificationsTitle: 'Notifications',
  notificationsIntro: 'The news that concerns you, most recent first.',
  unreadSummaryNone: 'Nothing left to read.',
  unreadSummaryOne: 'You have 1 unread notification.',
  unreadSummaryMany: 'You have {n} unread notifications.',
  unread: 'Unread',
  markRead: 'Mark as read',
  markAllRead: 'Mark all as read',
  markedRead: 'Notification marked as read.',
  markedAllRead: 'All notifications have been marked as read.',
  loadMore: 'Show older notifications',
  noNotifications: 'No notifications yet. When something concerns you, you will find it here.',
  newNotification: 'New notification: {title}',
  receivedAt: 'Received on',
  preferencesLink: 'E-mail preferences',
  preferencesTitle: 'Notification preferences',
  preferencesIntro:
    'Notifications always reach you here, in the app. Choose which ones you also want by e-mail.',
  preferencesLegend: 'Also send me an e-mail for',
  emailUnavailable:
    'E-mail is not available on this service: for now notifications only reach you in the app.',
  preferencesSave: 'Save preferences',
  preferencesSaved: 'Preferences saved.',
  preferencesNone: 'There are no kinds of notification to set.',
  backToNotifications: 'Back to notifications',

  navReports: 'Reports',
  navInbox: 'Reports received',
  navTimebank: 'Time bank',
  navMarketplace: 'Exchanges',
  navModeration: 'Moderation',
  navServices: 'Services',
  navMyServices: 'My services',
  navActivities: 'Activities',
  navMyActivities: 'Manage activities',
  homeActivitiesLink: 'What is on this week in the spaces',
  pageLoadError: 'The page could not be opened. Check your connection and try again.',
  reportsSection: 'Reports',
  myReportsLink: 'My reports',
  newReportLink: 'Make a report',
  inboxLink: 'Reports received',
  manageSection: 'Managing reports',
  routingRulesLink: 'Who receives reports (rules)',
  committeesLink: 'Tenant committees',
  serviceLevelLink: 'How reports are handled in this complex',
  userNumber: 'User number',

  footerAbout:
    'Platform of the Quartieri Connessi project — PON Metro 2014–2020, action MI1.1.1.a. City of Milan.',
  footerApi: 'API documentation',
  footerPrivacy: 'Privacy',
  footerAccessibility: 'Accessibility statement',
  footerHelp: 'Help',
  myDataSection: 'Your data',
  exportMyData: 'Download your data (JSON)',
  exportMyDataZip: 'Download your data with attachments (ZIP)',
  eraseAccountLink: 'Delete your account',
  footerNav: 'Footer links',
  langOfferLabel: 'Your profile’s language',
  langOfferText: 'Would you like your notifications and e-mails in English too?',
  langOfferYes: 'Yes, save it to my profile',
  langOfferNo: 'No, thanks',
  langOfferSaved: 'Done: English is now your profile’s language.',
}

const dictionaries: Record<Lang, Record<Key, string>> = { it, en }

const ROLE_NAMES: Record<Lang, Record<string, string>> = {
  it: {
    resident: 'residente',
    tenant: 'inquilino/a',
    operator: 'operatore',
    custodian: 'custode sociale',
    committee_member: 'membro del comitato inquilini',
    staff: 'personale del gestore',
    admin: 'amministratore (comune)',
  },
  en: {
    resident: 'resident',
    tenant: 'tenant',
    operator: 'operator',
    custodian: 'social custodian',
    committee_member: 'tenant committee member',
    staff: 'housing manager staff',
    admin: 'administrator (municipality)',
  },
}

const WEEKDAYS: Record<Lang, string[]> = {
  it: ['Lunedì', 'Martedì', 'Mercoledì', 'Giovedì', 'Venerdì', 'Sabato', 'Domenica'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
}

export const LANGUAGE_NAMES: Record<Lang, string> = { it: 'Italiano', en: 'English' }

function readStoredLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY)
    if (v === 'it' || v === 'en') return v
  } catch {
    // storage may be unavailable (private mode): fall back to Italian
  }
  return 'it'
}

let current: Lang = readStoredLang()
const listeners = new Set<(lang: Lang) => void>()

export function lang(): Lang {
  return current
}

export function isLang(v: unknown): v is Lang {
  return v === 'it' || v === 'en'
}

export function setLang(next: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, next)
  } catch {
    // not persisted; still switch for this page
  }
  if (next === current) return
  current = next
  document.documentElement.lang = next
  for (const fn of listeners) fn(next)
}

export function onLangChange(fn: (lang: Lang) => void): void {
  listeners.add(fn)
}

export function t(key: Key): string {
  return dictionaries[current][key]
}

/** `text` with its `{name}` placeholders filled in from `values`. */
function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m))
}

/** A string with `{name}` placeholders filled in. */
export function tf(key: Key, values: Record<string, string | number>): string {
  return fill(t(key), values)
}

/**
 * The lookups of a domain's own Italian and English strings, in the app's language. The
 * strings live in the domain's lazy chunk, so the home page never downloads them.
 */
export function dictionary<K extends string>(
  dicts: Record<Lang, Record<K, string>>,
): { t: (key: K) => string; tf: (key: K, values: Record<string, string | number>) => string } {
  const get = (key: K): string => dicts[current][key]
  return { t: get, tf: (key, values) => fill(get(key), values) }
}

/** The string for a count: `none` for 0, `one` for 1, `many` (with `{n}`) otherwise. */
export function plural(n: number, keys: { none: Key; one: Key; many: Key }): string {
  if (n === 0) return t(keys.none)
  if (n === 1) return t(keys.one)
  return tf(keys.many, { n })
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(current === 'it' ? 'it-IT' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date)
}

export function roleName(role: string): string {
  return ROLE_NAMES[current][role] ?? role
}

export function weekdayNames(): string[] {
  return WEEKDAYS[current]
}

/** A calendar day ("2026-03-01" or a timestamp), without the time. */
export function formatDate(iso: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(current === 'it' ? 'it-IT' : 'en-GB', { dateStyle: 'medium' }).format(date)
}

/** A price as on a price tag, always with the cents: "€ 5,00" (Italian) or "€5.00". */
export function formatPrice(cents: number): string {
  const amount = (cents / 100).toFixed(2)
  return current === 'it' ? `€ ${amount.replace('.', ',')}` : `€${amount}`
}

export function formatEuroCents(cents: number): string {
  return new Intl.NumberFormat(current === 'it' ? 'it-IT' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: cents % 100 === 0 ? 0 : 2,
  }).format(cents / 100)
}
