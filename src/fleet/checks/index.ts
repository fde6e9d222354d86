import type {FleetCheck} from '../evaluate.js'
import {addressTwice} from './address-twice.js'
import {dhcpView} from './dhcp-view.js'
import {macTwice} from './mac-twice.js'
import {networkDrift} from './network-drift.js'
import {rangeOverlap} from './range-overlap.js'
import {reservedHeld} from './reserved-held.js'

/** Every fleet check, in report order: causes (ranges) before what they explain. Codes MVFnnn are never reused. */
export const FLEET_CHECKS: readonly FleetCheck[] = [rangeOverlap, addressTwice, macTwice, reservedHeld, dhcpView, networkDrift]

export function findFleetCheck(id: string): FleetCheck | undefined {
  return FLEET_CHECKS.find((check) => check.meta.id === id || check.meta.code.toLowerCase() === id.toLowerCase())
}
