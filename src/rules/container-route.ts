import type {Finding, Rule} from '../engine/types.js'
import {bareAddress, cidrContains} from '../model/ip.js'

export const containerRoute: Rule = {
  meta: {id: 'container-route', code: 'MVD028', title: 'Containers route through their macvlan gateway', severity: 'warn', requires: ['networks', 'containers', 'containerViews']},
  evaluate: ({model}) =>
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
        if (problems.length === 0) return [{outcome: 'pass', subject, message: `${container.name} routes off its subnet via ${defaults[0]?.gateway ?? 'no gateway (internal network)'}.`, evidence}]
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
