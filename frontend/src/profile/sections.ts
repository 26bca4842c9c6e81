/**
 * The profile's own sections, a chunk of their own loaded by /profilo into its slots: name
 * and language (`.qc-profile-details`), tenancy (`.qc-tenancy`: the state of my requests and
 * the way to ask), and where I am signed in with my tokens (`.qc-devices-slot`). Their data
 * is loaded before the page says it is ready.
 */

import type { Me } from '../api'
import { setHtml } from '../html'
import { alertBox } from '../layout'
import { errorMessage } from '../pages/common'
import { loadTenancy, mountTenancySection, type TenancyData } from '../tenancy/request'
import { mountDetails } from './details'
import { loadDevices, mountDevices, type DevicesData } from './devices'

export async function mountProfileSections(me: Me, main: HTMLElement, signal: AbortSignal): Promise<void> {
  const details = main.querySelector<HTMLElement>('.qc-profile-details')
  const tenancySlot = main.querySelector<HTMLElement>('.qc-tenancy')
  const devicesSlot = main.querySelector<HTMLElement>('.qc-devices-slot')
  if (details) mountDetails(details, me)
  const [tenancy, devices] = await Promise.allSettled([loadTenancy(signal), loadDevices(signal)])
  if (signal.aborted) return
  if (tenancySlot) {
    if (tenancy.status === 'fulfilled') mountTenancySection(tenancySlot, me, tenancy.value as TenancyData)
    else setHtml(tenancySlot, alertBox('danger', errorMessage(tenancy.reason)))
  }
  if (devicesSlot) {
    if (devices.status === 'fulfilled') mountDevices(devicesSlot, devices.value as DevicesData)
    else setHtml(devicesSlot, alertBox('danger', errorMessage(devices.reason)))
  }
}
