/**
 * Strings of the pages every public service needs (privacy notice, accessibility
 * statement, help) and of the account's erasure, Italian and English. They travel with
 * these lazily loaded pages; the language is the app's (../i18n.ts `lang()`).
 */

import { dictionary } from '../i18n'

const it = {
  toComplete: '[da completare a cura del titolare]',
  signInFirst: 'Accedi per esercitare questo diritto.',

  // --- /privacy -----------------------------------------------------------------------------
  privacyTitle: 'Informativa sulla privacy',
  privacyIntro:
    'Questa informativa spiega quali dati personali tratta Quartieri Connessi, perché, per quanto tempo, e come puoi esercitare i tuoi diritti (articoli 13 e 14 del Regolamento UE 2016/679, GDPR).',
  controllerHeading: 'Chi è il titolare del trattamento',
  controllerLabel: 'Titolare del trattamento',
  controllerContactLabel: 'Contatti del titolare',
  dpoLabel: 'Responsabile della protezione dei dati (RPD/DPO)',
  purposesHeading: 'Quali dati trattiamo e perché',
  purposeAccount:
    'Account: e-mail, nome, lingua e password (conservata solo in forma cifrata non reversibile), per farti accedere e scriverti nella tua lingua.',
  purposeTenancy:
    'Riconoscimento come inquilino: il complesso, il codice del contratto e la nota che indichi, per aprirti i servizi riservati agli inquilini.',
  purposeReports:
    'Segnalazioni: testo, foto e documenti che alleghi, per far intervenire il custode sociale, il comitato o il gestore, e per misurare i tempi di risposta.',
  purposeExchanges:
    'Banca del tempo, scambi, servizi e attività: annunci, scambi, messaggi, richieste di servizi, iscrizioni e movimenti di ore, per organizzare l’aiuto tra vicini e con gli enti degli spazi.',
  purposeNotifications:
    'Notifiche ed e-mail: per avvisarti di ciò che ti riguarda; scegli tu quali ricevere anche per e-mail.',
  purposeSecurity:
    'Sicurezza: le sessioni di accesso (con il solo tipo di browser e di sistema, non l’indirizzo IP), i token personali, i tentativi di accesso falliti e il registro delle azioni del personale, per proteggere gli account e rendere conto di chi ha fatto cosa.',
  legalBasisHeading: 'Base giuridica',
  legalBasisText:
    'Il trattamento è necessario per l’esecuzione di un compito di interesse pubblico del titolare, i servizi sociali e abitativi dei quartieri di edilizia residenziale pubblica (art. 6, par. 1, lett. e GDPR), e per adempiere agli obblighi di legge e di rendicontazione (lett. c). I dati non sono usati per pubblicità né ceduti a terzi; non c’è alcuna decisione automatizzata.',
  retentionHeading: 'Per quanto tempo conserviamo i dati',
  retentionWhat: 'Dato',
  retentionHow: 'Per quanto tempo',
  retAccount: 'Account (nome, e-mail, lingua, ruoli)',
  retAccountHow: 'Finché hai l’account; cancellati subito quando lo cancelli.',
  retSessions: 'Sessioni di accesso',
  retSessionsHow:
    'Finché non esci o non restano inutilizzate per {days} giorni ({hours} ore per il personale e gli amministratori); quelle concluse sono eliminate al tuo accesso successivo.',
  retTokens: 'Token personali per le app',
  retTokensHow: 'Fino alla scadenza che scegli (al massimo {max} giorni, {default} se non scegli) o alla revoca.',
  retNotifications: 'Notifiche e copie delle e-mail inviate',
  retNotificationsHow: 'Finché hai l’account.',
  retReports: 'Segnalazioni e loro allegati',
  retReportsHow:
    'Conservate per la gestione e la rendicontazione del servizio; se cancelli l’account restano come segnalazioni anonime.',
  retLedger: 'Movimenti della banca del tempo',
  retLedgerHow:
    'Conservati per sempre, perché i saldi di tutti devono tornare (rendicontazione); se cancelli l’account restano intestati a «Persona cancellata».',
  retMessages: 'Messaggi, annunci e richieste di servizi',
  retMessagesHow:
    'Finché hai l’account; quando lo cancelli gli annunci sono rimossi e il testo dei messaggi è sostituito.',
  retRegistrations: 'Iscrizioni alle attività',
  retRegistrationsHow:
    'Le iscrizioni future sono annullate quando cancelli l’account; quelle passate restano, senza nome, per le statistiche di presenza.',
  retAudit: 'Registro delle azioni (audit)',
  retAuditHow:
    'Conservato per rendere conto delle azioni del personale e degli accessi; riporta un numero identificativo, non nome né e-mail.',
  rightsHeading: 'I tuoi diritti e come esercitarli',
  rightsIntro:
    'Puoi chiedere in ogni momento l’accesso ai tuoi dati, la loro rettifica o cancellazione, la limitazione del trattamento, la portabilità, e opporti al trattamento.',
  rightAccess: 'Accesso e portabilità: scarica tutti i tuoi dati in un file',
  rightAccessZip: 'anche con le foto delle tue segnalazioni (ZIP)',
  rightRectify: 'Rettifica: modifica nome e lingua dal tuo profilo',
  rightErase: 'Cancellazione: cancella il tuo account',
  rightOther:
    'Per gli altri diritti scrivi al Responsabile della protezione dei dati. Puoi anche proporre reclamo al Garante per la protezione dei dati personali',
  garante: 'garanteprivacy.it',
  cookiesHeading: 'Cookie e memoria del browser',
  cookiesText:
    'Usiamo solo strumenti tecnici, necessari al funzionamento del sito, per cui non serve il consenso: il cookie di sessione «qc_session» (ti tiene connesso, non è leggibile da script) e, nella memoria del browser, la lingua scelta e un segno che hai una sessione aperta. Nessun cookie di profilazione o di statistica, nessun contenuto caricato da altri siti.',

  // --- /accessibilita -----------------------------------------------------------------------
  a11yTitle: 'Dichiarazione di accessibilità',
  a11yIntro:
    '{controller} si impegna a rendere accessibile Quartieri Connessi, conformemente alla legge 9 gennaio 2004, n. 4, e alle Linee guida sull’accessibilità degli strumenti informatici dell’AgID. Questa dichiarazione riguarda l’applicazione web Quartieri Connessi (questo sito).',
  a11yStatusHeading: 'Stato di conformità',
  a11yStatus:
    'Il sito è parzialmente conforme ai requisiti della norma UNI CEN/TS EN 301549 (WCAG 2.1, livello AA): le verifiche automatiche non trovano problemi gravi, ma una verifica manuale completa con le tecnologie assistive non è ancora stata fatta.',
  a11yGapsHeading: 'Contenuti non accessibili',
  a11yGap1:
    'Le foto allegate alle segnalazioni hanno come testo alternativo solo il nome del file, non una descrizione di ciò che mostrano.',
  a11yGap2:
    'La documentazione tecnica delle API (/api/docs) è prodotta da un componente di terze parti (Swagger UI) e non è stata verificata.',
  a11yGap3:
    'Non è ancora stata svolta una verifica manuale completa con lettori di schermo e navigazione da tastiera su tutte le pagine.',
  a11yChecksHeading: 'Risultati delle verifiche automatiche',
  a11yChecks:
    'A ogni modifica del codice i test automatici aprono le pagine in un browser (Chromium) e le verificano con axe-core (regole WCAG 2.0 e 2.1, livelli A e AA), in italiano e in inglese, su telefono (390 pixel di larghezza) e su computer.',
  a11yChecksResult: 'Esito: nessuna violazione grave o critica sulle pagine verificate.',
  a11yChecksPages: 'Pagine verificate, tra le altre',
  a11yMethodHeading: 'Redazione della dichiarazione',
  a11yMethod:
    'La dichiarazione è stata redatta il 5 dicembre 2026 con un’autovalutazione del fornitore, basata sulle verifiche automatiche descritte sopra.',
  a11yFeedbackHeading: 'Meccanismo di feedback',
  a11yFeedback:
    'Se trovi un contenuto che non riesci a usare, o vuoi segnalare un problema di accessibilità, scrivi a',
  a11yFeedbackHelp: 'Puoi anche chiedere aiuto di persona in uno degli spazi:',
  a11yProcedureHeading: 'Procedura di attuazione',
  a11yProcedure:
    'Se la risposta non è soddisfacente, o non ricevi risposta entro 30 giorni, puoi inviare una segnalazione al Difensore civico per il digitale presso l’AgID:',

  // --- /aiuto -------------------------------------------------------------------------------
  helpTitle: 'Come ottenere aiuto',
  helpIntro:
    'Negli spazi di Quartieri Connessi trovi persone che ti aiutano a usare il sito: a registrarti, a farti riconoscere come inquilino, a fare una segnalazione, a iscriverti a un’attività.',
  helpOnline: 'Da qui',
  helpSignIn: 'Non riesci ad accedere? Vai alla pagina di accesso',
  helpReport: 'Un problema nel tuo complesso? Fai una segnalazione',
  helpPrivacy: 'I tuoi dati personali',
  helpA11y: 'Accessibilità del sito',
  helpPlacesHeading: 'Dove trovarci',
  helpPlacesIntro: 'Gli indirizzi e gli orari di apertura degli spazi:',
  helpAddress: 'Indirizzo',
  helpHours: 'Orari',
  helpClosed: 'chiuso',
  helpNoPlaces: 'Nessuno spazio da mostrare.',

  // --- /profilo/cancella-account -------------------------------------------------------------
  eraseTitle: 'Cancella il tuo account',
  eraseIntro:
    'Puoi cancellare il tuo account quando vuoi. La cancellazione è immediata e non si può annullare.',
  eraseBefore: 'Prima di cancellarlo, se vuoi, scarica una copia dei tuoi dati:',
  eraseGoneHeading: 'Cosa viene cancellato subito',
  eraseGone1: 'Il tuo nome, l’e-mail e la password: l’account non potrà più essere usato.',
  eraseGone2: 'I ruoli, le richieste di riconoscimento come inquilino, le sessioni aperte e i token.',
  eraseGone3: 'Le notifiche e le preferenze; il tuo nome nelle notifiche degli altri.',
  eraseGone4: 'I tuoi annunci; il testo dei tuoi messaggi e delle tue richieste di servizi.',
  eraseGone5:
    'Le iscrizioni alle attività future (il posto va al primo in lista d’attesa) e le proposte di scambio e le richieste ancora in attesa.',
  eraseStaysHeading: 'Cosa resta, e perché',
  eraseStays1:
    'Il conto della banca del tempo e i suoi movimenti, intestati a «Persona cancellata»: i saldi di tutti devono continuare a tornare.',
  eraseStays2:
    'Le tue segnalazioni, come segnalazioni anonime: il problema nel complesso resta da risolvere.',
  eraseStays3:
    'Il registro delle azioni, con un numero che non porta più a te: serve a rendere conto di ciò che è stato fatto.',
  eraseBlockedNote:
    'Se hai uno scambio o una richiesta di servizio accettati e non ancora conclusi, o sei l’unico operatore di un’organizzazione, prima va chiuso: te lo diremo.',
  erasePassword: 'La tua password, per confermare',
  eraseSubmit: 'Cancella definitivamente il mio account',
  erased: 'Il tuo account è stato cancellato.',
  exportJson: 'Scarica i miei dati (JSON)',
  exportZip: 'Scarica i miei dati con gli allegati (ZIP)',
}

export type LKey = keyof typeof it

const en: Record<LKey, string> = {
  toComplete: '[to be completed by the controller]',
  signInFirst: 'Sign in to exercise this right.',

  privacyTitle: 'Privacy notice',
  privacyIntro:
    'This notice explains which personal data Quartieri Connessi processes, why, for how long, and how you can exercise your rights (articles 13 and 14 of Regulation (EU) 2016/679, GDPR).',
  controllerHeading: 'Who the controller is',
  controllerLabel: 'Data controller',
  controllerContactLabel: 'Controller’s contacts',
  dpoLabel: 'Data protection officer (DPO)',
  purposesHeading: 'What data we process and why',
  purposeAccount:
    'Account: e-mail, name, language and password (kept only as a one-way hash), to let you sign in and to write to you in your language.',
  purposeTenancy:
    'Recognition as a tenant: the complex, your tenancy code and the note you give, to open the services reserved to tenants.',
  purposeReports:
    'Reports: the text, photos and documents you attach, so that the social custodian, the committee or the housing manager can act, and to measure response times.',
  purposeExchanges:
    'Time bank, exchanges, services and activities: listings, exchanges, messages, service requests, registrations and hours moved, to organise help between neighbours and with the spaces’ organisations.',
  purposeNotifications:
    'Notifications and e-mails: to tell you what concerns you; you choose which ones also come by e-mail.',
  purposeSecurity:
    'Security: sign-in sessions (with only the kind of browser and system, not the IP address), personal tokens, failed sign-ins and the log of staff actions, to protect accounts and to account for who did what.',
  legalBasisHeading: 'Legal basis',
  legalBasisText:
    'Processing is necessary for a task carried out in the public interest by the controller, the social and housing services of the public-housing neighbourhoods (art. 6(1)(e) GDPR), and to comply with legal and accountability obligations (art. 6(1)(c)). Data is not used for advertising nor given to third parties; there is no automated decision-making.',
  retentionHeading: 'How long we keep data',
  retentionWhat: 'Data',
  retentionHow: 'How long',
  retAccount: 'Account (name, e-mail, language, roles)',
  retAccountHow: 'As long as you have the account; erased at once when you delete it.',
  retSessions: 'Sign-in sessions',
  retSessionsHow:
    'Until you sign out or they go unused for {days} days ({hours} hours for staff and administrators); ended ones are deleted at your next sign-in.',
  retTokens: 'Personal tokens for apps',
  retTokensHow: 'Until the expiry you choose (at most {max} days, {default} by default) or revocation.',
  retNotifications: 'Notifications and copies of the e-mails sent',
  retNotificationsHow: 'As long as you have the account.',
  retReports: 'Reports and their attachments',
  retReportsHow:
    'Kept to manage and account for the service; if you delete your account they stay as anonymous reports.',
  retLedger: 'Time-bank entries',
  retLedgerHow:
    'Kept for good, because everyone’s balances must add up (accountability); if you delete your account they stay, in the name of “Persona cancellata” (deleted person).',
  retMessages: 'Messages, listings and service requests',
  retMessagesHow:
    'As long as you have the account; when you delete it, listings are removed and the text of messages is replaced.',
  retRegistrations: 'Activity registrations',
  retRegistrationsHow:
    'Future registrations are cancelled when you delete your account; past ones stay, without a name, for attendance figures.',
  retAudit: 'Log of actions (audit)',
  retAuditHow:
    'Kept to account for staff actions and sign-ins; it holds a number, not a name or an e-mail.',
  rightsHeading: 'Your rights and how to exercise them',
  rightsIntro:
    'At any time you can ask for access to your data, its correction or erasure, restriction of processing and portability, and you can object to processing.',
  rightAccess: 'Access and portability: download all your data as a file',
  rightAccessZip: 'also with the photos of your reports (ZIP)',
  rightRectify: 'Correction: change your name and language in your profile',
  rightErase: 'Erasure: delete your account',
  rightOther:
    'For the other rights write to the data protection officer. You can also lodge a complaint with the Italian data protection authority',
  garante: 'garanteprivacy.it',
  cookiesHeading: 'Cookies and browser storage',
  cookiesText:
    'We only use technical means, needed for the site to work, which need no consent: the session cookie “qc_session” (keeps you signed in, unreadable by scripts) and, in the browser’s storage, the language you chose and a hint that you have a session. No profiling or statistics cookies, nothing loaded from other sites.',

  a11yTitle: 'Accessibility statement',
  a11yIntro:
    '{controller} is committed to making Quartieri Connessi accessible, in accordance with Italian law no. 4 of 9 January 2004 and AgID’s accessibility guidelines. This statement applies to the Quartieri Connessi web app (this site).',
  a11yStatusHeading: 'Compliance status',
  a11yStatus:
    'The site is partially compliant with standard UNI CEN/TS EN 301549 (WCAG 2.1, level AA): automated checks find no serious problem, but a full manual review with assistive technologies has not been carried out yet.',
  a11yGapsHeading: 'Non-accessible content',
  a11yGap1:
    'Photos attached to reports have only their file name as alternative text, not a description of what they show.',
  a11yGap2:
    'The API’s technical documentation (/api/docs) is produced by a third-party component (Swagger UI) and has not been checked.',
  a11yGap3:
    'A full manual review with screen readers and keyboard navigation of every page has not been carried out yet.',
  a11yChecksHeading: 'Results of the automated checks',
  a11yChecks:
    'On every change to the code, the automated tests open the pages in a browser (Chromium) and check them with axe-core (WCAG 2.0 and 2.1 rules, levels A and AA), in Italian and English, on a phone (390 pixels wide) and on a computer.',
  a11yChecksResult: 'Result: no serious or critical violation on the pages checked.',
  a11yChecksPages: 'Pages checked, among others',
  a11yMethodHeading: 'How this statement was prepared',
  a11yMethod:
    'This statement was prepared on 5 December 2026 by the supplier’s self-assessment, based on the automated checks described above.',
  a11yFeedbackHeading: 'Feedback',
  a11yFeedback: 'If you find content you cannot use, or want to report an accessibility problem, write to',
  a11yFeedbackHelp: 'You can also ask for help in person at one of the spaces:',
  a11yProcedureHeading: 'Enforcement procedure',
  a11yProcedure:
    'If the answer is unsatisfactory, or you get no answer within 30 days, you can report it to the Digital Ombudsman at AgID:',

  helpTitle: 'How to get help',
  helpIntro:
    'At the spaces of Quartieri Connessi there are people who help you use the site: to register, to be recognised as a tenant, to send a report, to sign up for an activity.',
  helpOnline: 'From here',
  helpSignIn: 'Cannot sign in? Go to the sign-in page',
  helpReport: 'A problem in your complex? Send a report',
  helpPrivacy: 'Your personal data',
  helpA11y: 'Accessibility of the site',
  helpPlacesHeading: 'Where to find us',
  helpPlacesIntro: 'The spaces’ addresses and opening hours:',
  helpAddress: 'Address',
  helpHours: 'Hours',
  helpClosed: 'closed',
  helpNoPlaces: 'No space to show.',

  eraseTitle: 'Delete your account',
  eraseIntro: 'You can delete your account whenever you like. Deletion is immediate and cannot be undone.',
  eraseBefore: 'Before deleting it, you may want to download a copy of your data:',
  eraseGoneHeading: 'What is erased at once',
  eraseGone1: 'Your name, e-mail and password: the account can no longer be used.',
  eraseGone2: 'Your roles, tenancy requests, open sessions and tokens.',
  eraseGone3: 'Your notifications and preferences; your name in other people’s notifications.',
  eraseGone4: 'Your listings; the text of your messages and of your service requests.',
  eraseGone5:
    'Your registrations for future activities (the place goes to the first on the waitlist), and your exchange proposals and requests still pending.',
  eraseStaysHeading: 'What stays, and why',
  eraseStays1:
    'Your time-bank account and its entries, in the name of “Persona cancellata” (deleted person): everyone’s balances must still add up.',
  eraseStays2: 'Your reports, as anonymous reports: the problem in the complex still needs solving.',
  eraseStays3: 'The log of actions, with a number that no longer leads to you: it accounts for what was done.',
  eraseBlockedNote:
    'If you have an accepted exchange or service request not yet completed, or you are the only operator of an organisation, that must be closed first: we will tell you.',
  erasePassword: 'Your password, to confirm',
  eraseSubmit: 'Delete my account for good',
  erased: 'Your account has been deleted.',
  exportJson: 'Download my data (JSON)',
  exportZip: 'Download my data with attachments (ZIP)',
}

export const { t: lt, tf: ltf } = dictionary({ it, en })
