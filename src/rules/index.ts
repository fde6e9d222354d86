import type {Rule} from '../engine/types.js'
import {bondParent} from './bond-parent.js'
import {bootOrder} from './boot-order.js'
import {bridgeParent} from './bridge-parent.js'
import {containerRoute} from './container-route.js'
import {containerStacking} from './container-stacking.js'
import {dhcpOverlap} from './dhcp-overlap.js'
import {dhcpServers} from './dhcp-servers.js'
import {duplicateMac} from './duplicate-mac.js'
import {firewallBypass} from './firewall-bypass.js'
import {gatewayMissing} from './gateway-missing.js'
import {gatewayOutsideSubnet} from './gateway-outside-subnet.js'
import {hostIsolation} from './host-isolation.js'
import {hostAcceptRa} from './host-accept-ra.js'
import {ipConflict} from './ip-conflict.js'
import {ipamExhaustion} from './ipam-exhaustion.js'
import {gatewayIpv6} from './gateway-ipv6.js'
import {kernelSupport} from './kernel-support.js'
import {leftoverLinks} from './leftover-links.js'
import {macFiltered} from './mac-filtered.js'
import {macSprawl} from './mac-sprawl.js'
import {macvlanMode} from './macvlan-mode.js'
import {mtuMismatch} from './mtu-mismatch.js'
import {nmInterference} from './nm-interference.js'
import {noIpRange} from './no-ip-range.js'
import {parentDown} from './parent-down.js'
import {parentEnslaved} from './parent-enslaved.js'
import {parentMissing} from './parent-missing.js'
import {parentShared} from './parent-shared.js'
import {parentlessNetwork} from './parentless-network.js'
import {portsIgnored} from './ports-ignored.js'
import {slaacAddress} from './slaac-address.js'
import {raRouteRace} from './ra-route-race.js'
import {shimIncomplete} from './shim-incomplete.js'
import {subnetMismatch} from './subnet-mismatch.js'
import {swarmScope} from './swarm-scope.js'
import {unsupportedPlatform} from './unsupported-platform.js'
import {vlanOwner} from './vlan-owner.js'
import {vlanParent} from './vlan-parent.js'
import {wirelessParent} from './wireless-parent.js'

/**
 * Every rule, in the order reports list them: the platform first (when macvlan cannot work at all nothing else is
 * judged), then the parent link, the host's path to its containers, addressing, L2 and the containers themselves.
 * Codes are never reused: retired codes stay listed in docs/rules/README.md.
 */
export const RULES: readonly Rule[] = [
  unsupportedPlatform,
  kernelSupport,
  parentMissing,
  parentlessNetwork,
  parentDown,
  parentEnslaved,
  bondParent,
  bridgeParent,
  wirelessParent,
  vlanParent,
  vlanOwner,
  macFiltered,
  hostIsolation,
  shimIncomplete,
  bootOrder,
  nmInterference,
  subnetMismatch,
  gatewayOutsideSubnet,
  gatewayMissing,
  noIpRange,
  dhcpOverlap,
  dhcpServers,
  ipConflict,
  ipamExhaustion,
  parentShared,
  leftoverLinks,
  swarmScope,
  macSprawl,
  duplicateMac,
  mtuMismatch,
  macvlanMode,
  containerRoute,
  containerStacking,
  gatewayIpv6,
  slaacAddress,
  hostAcceptRa,
  raRouteRace,
  portsIgnored,
  firewallBypass,
]

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id || rule.meta.code.toLowerCase() === id.toLowerCase())
}
