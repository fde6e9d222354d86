import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {bareAddress} from '../model/ip.js'

export const containerStacking: Rule = {
  meta: {id: 'container-stacking', code: 'MVD042', title: "Nothing inside a container hides behind its macvlan's MAC", severity: 'warn', requires: ['networks', 'containers', 'containerViews']},
  evaluate: ({model}) =>
    model.l2Networks().flatMap((l2) =>
      model.endpointsOf(l2.network).flatMap(({container, endpoint}): Finding[] => {
        const view = container.running && endpoint.ipv4 ? model.containerView(container) : undefined
        const ip = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : undefined
        const device = view?.links.find((link) => link.name === view.addresses.find((address) => address.local === ip)?.ifname)
        if (!view || !device?.mac) return []
        const subject = {network: l2.network.name, container: container.name}
        const mac = device.mac.toLowerCase()
        const problems = [
          ...(device.master
            ? [`${device.name} is a port of the bridge ${device.master}, so ${ip} on ${device.name} itself receives nothing (the bridge takes every frame), and devices behind ${device.master} with MACs of their own send out through it, but the host's parent hands ${device.name} only frames for ${mac}, so their replies never arrive`]
            : []),
          ...view.links
            .filter((link) => link.parent === device.name && link.mac && link.mac.toLowerCase() !== mac)
            .map((link) => `${link.name} (${link.kind ?? 'link'}, ${link.mac}) sits on its ${l2.driver} ${device.name} with a MAC other than ${device.name}'s ${mac}: frames go out, but the host's parent hands ${device.name} only frames for ${mac}, so no reply to ${link.name} ever arrives`),
        ]
        const evidence = {facts: {device: device.name, mac, links: view.links.map((link) => ({name: link.name, kind: link.kind, parent: link.parent, master: link.master, mac: link.mac}))}, commands: [sh`nsenter --net=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' ${container.name}) ip -d link`]}
        if (problems.length === 0) return [{outcome: 'pass', subject, message: `Nothing inside ${container.name} stacks another MAC on ${device.name}.`, evidence}]
        return [
          {
            outcome: 'warn',
            subject,
            message: `Inside ${container.name}, ${problems.join('; ')}.`,
            evidence,
            fix: {summary: `Let what runs inside ${container.name} use ${device.name} and its MAC as they are (no bridge, no second MAC on it); a VM or appliance that needs MACs of its own belongs on a bridge of the host, not inside a macvlan container.`, commands: []},
          },
        ]
      }),
    ),
}
