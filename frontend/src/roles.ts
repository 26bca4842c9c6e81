/**
 * What the signed-in user's roles allow the app to offer (links, forms). The server
 * decides in the end: these only choose what to show, never what is permitted.
 */

import type { Me } from './api'

export function hasRole(me: Me | null, role: string): boolean {
  return !!me?.roles.some((g) => g.role === role)
}

/** The scope ids (complexes, committees) of the user's grants of `role`. */
export function scopeIds(me: Me | null, role: string): number[] {
  if (!me) return []
  const ids = me.roles.filter((g) => g.role === role && g.scope_id !== null).map((g) => g.scope_id as number)
  return [...new Set(ids)]
}

/** The housing manager's staff (and admins): every report, routing rules, committees. */
export function isStaff(me: Me | null): boolean {
  return hasRole(me, 'staff') || hasRole(me, 'admin')
}

/** Custodians, committee members and staff have an inbox of reports routed to them. */
export function hasInbox(me: Me | null): boolean {
  return isStaff(me) || hasRole(me, 'custodian') || hasRole(me, 'committee_member')
}

/** Tenants report on their complex; custodians and staff on a tenant's behalf. */
export function canReport(me: Me | null): boolean {
  return hasRole(me, 'tenant') || hasRole(me, 'custodian') || isStaff(me)
}

/** Moderators of the marketplace: operators (their spaces' listings) and staff (all). */
export function canModerate(me: Me | null): boolean {
  return isStaff(me) || hasRole(me, 'operator')
}
