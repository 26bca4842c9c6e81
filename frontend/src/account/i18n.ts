/**
 * Strings of the account pages (forgotten password, new password, e-mail verification,
 * password and e-mail in the profile), Italian and English. They travel with the pages'
 * lazily loaded chunks.
 */

import { dictionary } from '../i18n'

const it = {
  forgotTitle: 'Password dimenticata?',
  forgotIntro:
    'Scrivi l’indirizzo e-mail del tuo account: ti mandiamo un collegamento per scegliere una nuova password.',
  forgotSubmit: 'Mandami il collegamento',
  forgotBack: 'Torna all’accesso',
  resetTitle: 'Scegli una nuova password',
  resetIntro: 'Scegli la nuova password del tuo account e scrivila due volte.',
  resetNoToken:
    'Il collegamento è incompleto: aprilo di nuovo dall’e-mail, oppure chiedine uno nuovo.',
  resetAskAgain: 'Chiedi un nuovo collegamento',
  resetSubmit: 'Salva la nuova password',
  resetDone: 'Password cambiata. Accedi con la nuova password: gli altri dispositivi sono stati disconnessi.',
  newPassword: 'Nuova password',
  newPasswordAgain: 'Ripeti la nuova password',
  passwordsDiffer: 'Le due password non sono uguali.',
  rulesTitle: 'Come deve essere la password',
  ruleLength: 'almeno 10 caratteri;',
  ruleNoName: 'senza il tuo nome e senza la parte del tuo indirizzo e-mail prima della @;',
  ruleNotCommon:
    'non facile da indovinare: evita parole singole, date, sequenze come 12345 o qwerty. Tre o quattro parole che non c’entrano tra loro vanno bene.',
  verifyTitle: 'Conferma dell’indirizzo e-mail',
  verifyWorking: 'Stiamo confermando l’indirizzo…',
  verifyDone: 'Fatto: il tuo indirizzo e-mail è confermato. Da ora riceverai anche per e-mail le notifiche che hai scelto.',
  changeDone: 'Fatto: il tuo account ora usa il nuovo indirizzo e-mail, già confermato. Al vecchio indirizzo abbiamo mandato un avviso.',
  verifyNoToken: 'Il collegamento è incompleto: aprilo di nuovo dall’e-mail.',
  toProfile: 'Vai al tuo profilo',
  toSignIn: 'Accedi',
  unverifiedBanner:
    'Il tuo indirizzo e-mail {email} non è ancora confermato: finché non lo confermi non ti mandiamo notifiche per e-mail. Apri il collegamento che ti abbiamo inviato.',
  resendLink: 'Invia di nuovo',
  passwordSection: 'Cambia la password',
  passwordSectionIntro: 'Per sicurezza ti chiediamo anche la password attuale. Gli altri dispositivi verranno disconnessi.',
  currentPassword: 'Password attuale',
  changePasswordSubmit: 'Cambia la password',
  passwordChanged: 'Password cambiata. Gli altri dispositivi sono stati disconnessi.',
  emailSection: 'Cambia l’indirizzo e-mail',
  emailSectionIntro:
    'Ti mandiamo un collegamento al nuovo indirizzo: l’indirizzo cambia quando lo apri da lì. Fino ad allora resta quello attuale.',
  newEmail: 'Nuovo indirizzo e-mail',
  passwordForEmail: 'La tua password',
  changeEmailSubmit: 'Manda il collegamento',
}

type AccountKey = keyof typeof it

const en: Record<AccountKey, string> = {
  forgotTitle: 'Forgot your password?',
  forgotIntro: 'Write your account’s e-mail address: we will send you a link to choose a new password.',
  forgotSubmit: 'Send me the link',
  forgotBack: 'Back to sign in',
  resetTitle: 'Choose a new password',
  resetIntro: 'Choose your account’s new password and type it twice.',
  resetNoToken: 'The link is incomplete: open it again from the e-mail, or ask for a new one.',
  resetAskAgain: 'Ask for a new link',
  resetSubmit: 'Save the new password',
  resetDone: 'Password changed. Sign in with the new password: your other devices have been signed out.',
  newPassword: 'New password',
  newPasswordAgain: 'New password again',
  passwordsDiffer: 'The two passwords are not the same.',
  rulesTitle: 'What the password must be like',
  ruleLength: 'at least 10 characters;',
  ruleNoName: 'without your name and without the part of your e-mail address before the @;',
  ruleNotCommon:
    'not easy to guess: avoid single words, dates, sequences such as 12345 or qwerty. Three or four unrelated words are fine.',
  verifyTitle: 'E-mail address confirmation',
  verifyWorking: 'Confirming the address…',
  verifyDone: 'Done: your e-mail address is confirmed. From now on you will also get the notifications you chose by e-mail.',
  changeDone: 'Done: your account now uses the new e-mail address, already confirmed. We have sent a notice to the old address.',
  verifyNoToken: 'The link is incomplete: open it again from the e-mail.',
  toProfile: 'Go to your profile',
  toSignIn: 'Sign in',
  unverifiedBanner:
    'Your e-mail address {email} is not confirmed yet: until you confirm it we send you no notifications by e-mail. Open the link we sent you.',
  resendLink: 'Send it again',
  passwordSection: 'Change your password',
  passwordSectionIntro: 'For your safety we also ask for your current password. Your other devices will be signed out.',
  currentPassword: 'Current password',
  changePasswordSubmit: 'Change password',
  passwordChanged: 'Password changed. Your other devices have been signed out.',
  emailSection: 'Change your e-mail address',
  emailSectionIntro:
    'We send a link to the new address: the address changes when you open it from there. Until then your current address stays.',
  newEmail: 'New e-mail address',
  passwordForEmail: 'Your password',
  changeEmailSubmit: 'Send the link',
}

export const { t: at, tf: atf } = dictionary({ it, en })
