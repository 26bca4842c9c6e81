/**
 * Strings of the profile's own sections (name and language; where I am signed in; my
 * personal tokens), Italian and English. They travel with the sections' lazy chunk.
 */

import { dictionary } from '../i18n'

const it = {
  detailsTitle: 'Nome e lingua',
  detailsIntro: 'Il nome lo vedono gli altri. La lingua vale per il sito, le notifiche e le e-mail.',
  fieldName: 'Nome visualizzato',
  fieldLanguage: 'Lingua',
  nameTooLong: 'Al massimo 80 caratteri.',
  nameOneLine: 'Scrivi il nome su una sola riga.',
  saveDetails: 'Salva nome e lingua',
  detailsSaved: 'Salvato.',

  devicesTitle: 'Dove hai fatto l’accesso',
  devicesIntro: 'Questi sono i dispositivi da cui hai fatto l’accesso. Se non ne riconosci uno, chiudi l’accesso.',
  unknownDevice: 'Dispositivo sconosciuto',
  thisDevice: 'Questo dispositivo',
  signedInOn: 'Accesso il {date}',
  lastSeen: 'Ultimo uso il {date}',
  endSession: 'Esci da questo dispositivo',
  endSessionNamed: 'Esci da {device} (accesso il {date})',
  endSessionQuestion: 'Vuoi chiudere l’accesso su {device}?',
  endSessionYes: 'Sì, chiudi l’accesso',
  sessionEnded: 'Accesso chiuso su {device}.',
  endOthers: 'Esci da tutti gli altri dispositivi',
  endOthersQuestion: 'Vuoi chiudere l’accesso su tutti gli altri dispositivi? Questo resta collegato.',
  endOthersYes: 'Sì, esci dagli altri dispositivi',
  othersEnded: 'Fatto: ora sei collegato/a solo da questo dispositivo.',
  noOtherDevices: 'Non sei collegato/a da nessun altro dispositivo.',

  tokensTitle: 'Chiavi per le app (token)',
  tokensIntro:
    'Servono a programmi e app collegati al tuo account. Se non sai cosa sono, probabilmente non ne hai: puoi ignorare questa parte.',
  noTokens: 'Non hai chiavi per le app.',
  tokenPrefix: 'Inizia con',
  tokenCreated: 'Creata il',
  tokenExpires: 'Scade il',
  tokenExpired: 'Scaduta il',
  tokenLastUsed: 'Ultimo uso',
  tokenNeverUsed: 'mai usata',
  revoke: 'Revoca',
  revokeNamed: 'Revoca la chiave «{name}»',
  revokeQuestion: 'Vuoi revocare la chiave «{name}»? Le app che la usano non potranno più entrare.',
  revokeYes: 'Sì, revoca',
  revoked: 'Chiave «{name}» revocata.',
}

type Key = keyof typeof it

const en: Record<Key, string> = {
  detailsTitle: 'Name and language',
  detailsIntro: 'Others see your name. The language is used for the site, notifications and e-mails.',
  fieldName: 'Display name',
  fieldLanguage: 'Language',
  nameTooLong: 'At most 80 characters.',
  nameOneLine: 'Write the name on one line.',
  saveDetails: 'Save name and language',
  detailsSaved: 'Saved.',

  devicesTitle: 'Where you are signed in',
  devicesIntro: 'These are the devices where you signed in. If you do not recognise one, sign it out.',
  unknownDevice: 'Unknown device',
  thisDevice: 'This device',
  signedInOn: 'Signed in on {date}',
  lastSeen: 'Last used on {date}',
  endSession: 'Sign out of this device',
  endSessionNamed: 'Sign out of {device} (signed in on {date})',
  endSessionQuestion: 'Do you want to sign out of {device}?',
  endSessionYes: 'Yes, sign it out',
  sessionEnded: 'Signed out of {device}.',
  endOthers: 'Sign out of all other devices',
  endOthersQuestion: 'Do you want to sign out of every other device? This one stays signed in.',
  endOthersYes: 'Yes, sign out the other devices',
  othersEnded: 'Done: you are now signed in on this device only.',
  noOtherDevices: 'You are not signed in on any other device.',

  tokensTitle: 'Keys for apps (tokens)',
  tokensIntro:
    'Programs and apps connected to your account use them. If you do not know what they are, you probably have none: you can skip this part.',
  noTokens: 'You have no keys for apps.',
  tokenPrefix: 'Starts with',
  tokenCreated: 'Created on',
  tokenExpires: 'Expires on',
  tokenExpired: 'Expired on',
  tokenLastUsed: 'Last used',
  tokenNeverUsed: 'never used',
  revoke: 'Revoke',
  revokeNamed: 'Revoke the key “{name}”',
  revokeQuestion: 'Do you want to revoke the key “{name}”? Apps using it will no longer get in.',
  revokeYes: 'Yes, revoke',
  revoked: 'Key “{name}” revoked.',
}

export const { t: pt, tf: ptf } = dictionary({ it, en })
