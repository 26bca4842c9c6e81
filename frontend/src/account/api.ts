/** The account calls of the account pages: password reset, e-mail verification and change. */

import { request, type Schemas } from '../api'

export type Accepted = Schemas['Accepted']

export const account = {
  askPasswordReset: (email: string) => request<Accepted>('POST', '/auth/password-reset', { email } satisfies Schemas['PasswordResetRequest']),
  resetPassword: (token: string, newPassword: string) =>
    request<void>('POST', '/auth/password-reset/confirm', {
      token,
      new_password: newPassword,
    } satisfies Schemas['PasswordResetConfirm']),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/auth/password', {
      current_password: currentPassword,
      new_password: newPassword,
    } satisfies Schemas['PasswordChange']),
  resendVerification: () => request<Accepted>('POST', '/auth/email-verification'),
  confirmVerification: (token: string) => request<void>('POST', '/auth/email-verification/confirm', { token } satisfies Schemas['EmailLinkToken']),
  askEmailChange: (newEmail: string, password: string) =>
    request<Accepted>('POST', '/users/me/email', {
      new_email: newEmail,
      password,
    } satisfies Schemas['EmailChange']),
  confirmEmailChange: (token: string) => request<void>('POST', '/auth/email-change/confirm', { token } satisfies Schemas['EmailLinkToken']),
}
