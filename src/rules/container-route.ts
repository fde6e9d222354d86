import type {Finding, Rule} from '../engine/types.js'
import {bareAddress, cidrContains} from '../model/ip.js'
import {describe, probeFacts, recordsFor} from './probe-evidence.js'

export const containerRoute: Rule = {
  meta: {id: 'container-route', code: 'MVD028', title: 'Containers route through their macvlan gateway', severity: 'warn', requires: ['networks', 'containers', 'containerViews'], probes: ['container-to-gateway', 'container-to-peer']},
  evaluate: ({model, probes}) =>
    model.l2Networks().flatMap((l2) =>
      model.endpointsOf(l2.network).flatMap(({container, endpoint}): Finding[] => {
        const view = model.containerView(container)
        if (!view || !endpoint.ipv4) return []
        const subject = {network: l2.network.name, container: container.name}
        const ip = bareAddress(endpoint.ipv4)
        const device = view.addresses.find((address) => address.local === ip)?.ifname
        const onLink = view.addresses.filter((address) => address.family === 'inet' && address.scope !== 'host').map((address) => `${address.local}/${address.prefixlen}`)
        const defaults = view.routes.filter((route) => route.table === 'main' && route.dst === 'default' && !route.gateway?.includes(':'))
        const evidence = {facts: {address: ip, device, defaultRoutes: defaults.map((route) => `via ${route.gateway ?? '-'} dev ${route.dev ?? '-'}`)}, commands: [`nsenter --net=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' ${container.name}) ip route`]}
        const problems: string[] = []
        if (!device) problems.push(`has no interface holding its address ${ip}: its ${l2.driver} link is gone (see parent-missing and parent-down)`)
        else if (defaults.length === 0 && !l2.network.internal) problems.push('has no default route: it reaches only its own subnet')
        for (const route of defaults) {
          if (route.gateway && !onLink.some((cidr) => cidrContains(cidr, route.gateway ?? ''))) problems.push(`has a default route via ${route.gateway}, which is on none of its subnets`)
        }
        if (defaults.length > 1) problems.push(`has ${defaults.length} default routes (${evidence.facts.defaultRoutes.join(', ')}): traffic leaves through whichever wins, not necessarily ${device}`)
        const probed = [...recordsFor(probes, 'container-to-gateway', {container: container.name, network: l2.network.name}), ...recordsFor(probes, 'container-to-peer', {container: container.name, network: l2.network.name})]
        const unreachable = probed.filter((record) => record.outcome !== 'reply')
        if (probed.length > 0) Object.assign(evidence.facts, probeFacts(probed))
        if (unreachable.length > 0) {
          return [
            {
              outcome: 'fail',
              subject,
              message: `${container.name} cannot reach ${unreachable.map((record) => (record.purpose === 'container-to-gateway' ? `its gateway ${record.target}` : `its peer ${record.target}`)).join(' or ')}: ${unreachable.map(describe).join('; ')}.${problems.length > 0 ? ` It also ${problems.join('; ')}.` : ''}`,
              evidence,
              fix: {
                summary: unreachable.some((record) => record.l2 === 'unresolved')
                  ? 'No ARP answer means its frames are not getting through: see parent-down and mac-filtered (a hypervisor or switch dropping extra MACs), and macvlan-mode for peers.'
                  : 'ARP works but ICMP gets no answer: the target filters ICMP, or routing beyond it is broken.',
                commands: [],
              },
            },
          ]
        }
        if (problems.length === 0) {
          const proof = probed.length > 0 ? ` Proven: ${probed.map(describe).join('; ')}.` : ''
          return [{outcome: 'pass', subject, message: `${container.name} routes off its subnet via ${defaults[0]?.gateway ?? 'no gateway (internal network)'}.${proof}`, evidence}]
        }
        return [
          {
            outcome: 'warn',
            subject,
            message: `${container.name} ${problems.join('; ')}.`,
            evidence,
            fix: {summary: `Set --gateway on ${l2.network.name} (see gateway-missing); with several networks, attach the macvlan one first or set the gateway priority (docker network connect --gw-priority on Engine 28+).`, commands: []},
          },
        ]
      }),
    ),
}
