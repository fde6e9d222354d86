/** The shape of the host's macvlan networks, for the report's diagram: parent → networks → containers, shims, gateway. */
import {ipv4Pools, type HostModel} from '../model/host-model.js'
import {bareAddress} from '../model/ip.js'

export interface TopologyNetwork {
  name: string
  driver: string
  mode: string
  parent?: string
  parentUp?: boolean
  subnet?: string
  gateway?: string
  shims: Array<{name: string; address?: string}>
  containers: Array<{name: string; address?: string; status: string}>
}

export function topologyOf(model: HostModel): TopologyNetwork[] {
  return model.l2Networks().map((l2) => {
    const pool = ipv4Pools(l2)[0]
    const parent = l2.parent ? model.link(l2.parent) : undefined
    const network: TopologyNetwork = {
      name: l2.network.name,
      driver: l2.driver,
      mode: l2.mode,
      shims: (l2.parent ? model.shimsOn(l2.parent) : []).map((link) => ({name: link.name, ...(model.addressesOf(link.name)[0] ? {address: model.addressesOf(link.name)[0]?.local} : {})})),
      containers: model.endpointsOf(l2.network).map(({container, endpoint}) => ({name: container.name, status: container.status, ...(endpoint.ipv4 ? {address: bareAddress(endpoint.ipv4)} : {})})),
    }
    if (l2.parent) network.parent = l2.parent
    if (parent) network.parentUp = parent.flags.includes('UP') && parent.flags.includes('LOWER_UP')
    if (pool) network.subnet = pool.subnet
    if (pool?.gateway) network.gateway = pool.gateway
    return network
  })
}
