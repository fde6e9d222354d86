import type {Finding, Rule} from '../engine/types.js'
import {shellLine} from '../exec/quote.js'
import {ipv6Pools} from '../model/host-model.js'
import {notApplicable} from './support/common.js'
import {eachViewedEndpoint, fromRa, inContainer, ipv6Defaults, ipv6GatewayOf, neighbourMac, routeText} from './support/ipv6.js'
import {answersFor} from './support/probe-evidence.js'

export const raRouteRace: Rule = {
  meta: {
    id: 'ra-route-race',
    code: 'MVD034',
    title: "No router advertisement competes with Docker's IPv6 route",
    severity: 'fail',
    requires: ['networks', 'containers', 'containerViews'],
    probes: ['container-to-gateway6'],
  },
  evaluate: ({model, probes}) =>
    model.l2Networks().flatMap((l2) => {
      if (ipv6Pools(l2).length === 0 || l2.network.internal) return []
      return eachViewedEndpoint(model, l2, ({container, endpoint, view, device, subject}): Finding[] => {
        const gateway = ipv6GatewayOf(endpoint, l2)
        if (!device || !gateway) return [notApplicable(subject, `${container.name} has no IPv6 gateway${device ? '' : ' or no link'} on ${l2.network.name} to compare with: gateway-ipv6 says why.`)]
        const defaults = ipv6Defaults(view.routes, device)
        const learned = defaults.filter(fromRa)
        const docker = defaults.find((route) => !fromRa(route) && route.gateway === gateway)
        if (learned.length === 0) {
          if (!docker) return [notApplicable(subject, `${container.name} has no IPv6 default route at all: gateway-ipv6 says why.`)]
          return [{outcome: 'pass', subject, message: `${container.name}'s only IPv6 default route is Docker's, via ${gateway}: no router advertisement added another.`}]
        }
        // Which router holds the gateway's address: the echo's neighbour discovery, or the container's own table.
        const echoed = answersFor(probes, ['container-to-gateway6'], {container: container.name, network: l2.network.name}).judged.find((record) => record.nextHopMac)
        const gatewayMac = echoed?.nextHopMac ?? neighbourMac(view, device, gateway)
        const routers = learned.map((route) => ({route, mac: route.gateway ? neighbourMac(view, device, route.gateway) : undefined}))
        const others = routers.filter((router) => router.mac && gatewayMac && router.mac !== gatewayMac)
        const evidence = {
          facts: {gateway, gatewayMac: gatewayMac ?? null, defaultRoutes: defaults.map(routeText), advertisingRouters: routers.map((router) => `${router.route.gateway ?? '-'} ${router.mac ?? '(MAC unknown)'}`), ...(view.ipv6Conf?.[device] ? {acceptRa: view.ipv6Conf[device].acceptRa} : {})},
          commands: [inContainer(container.name, 'route show default'), inContainer(container.name, 'neigh show')],
        }
        const learnedText = routers.map((router) => `${router.route.gateway ?? '-'}${router.mac ? ` (${router.mac})` : ''}`).join(', ')
        const fix = {
          summary: `Keep ${container.name} from taking routes from router advertisements (\`--sysctl net.ipv6.conf.${device}.accept_ra=0\` on docker run, \`sysctls:\` in Compose) and recreate it, so that only Docker's route via ${gateway} is left; or make ${gateway} the only router advertising on the LAN.`,
          commands: [`${shellLine(['docker', 'run', '--sysctl', `net.ipv6.conf.${device}.accept_ra=0`, '--network', l2.network.name])} …`],
        }
        if (!docker) {
          const same = gatewayMac !== undefined && routers.every((router) => router.mac === gatewayMac)
          return [
            {
              outcome: others.length > 0 ? 'fail' : 'warn',
              subject,
              message: `${container.name} has no IPv6 default route via its gateway ${gateway}, only one learned from router advertisements, via ${learnedText}${others.length > 0 ? `, a router other than ${gateway} (${gatewayMac})` : same ? `, the router that holds ${gateway}` : ''}: Docker's route lost the race to the advertised one, and ${container.name}'s IPv6 lasts only as long as the advertisements come.`,
              evidence,
              symptoms: ['ra-only-default'],
              fix,
            },
          ]
        }
        if (others.length > 0) {
          return [
            {
              outcome: 'warn',
              subject,
              message: `${container.name} has two IPv6 default routes through different routers: Docker's via ${gateway} (${gatewayMac}) and one learned from the advertisements of ${others.map((router) => `${router.route.gateway ?? '-'} (${router.mac})`).join(', ')}. The kernel may send its IPv6 through either, so replies can come back another way than they left, and firewalls drop them.`,
              evidence,
              symptoms: ['two-routers'],
              fix,
            },
          ]
        }
        if (!gatewayMac || routers.some((router) => !router.mac)) {
          return [
            {
              outcome: 'skip',
              skipKind: 'missing-data',
              subject,
              message: `Not checked: ${container.name} has Docker's IPv6 default route via ${gateway} and one learned from the advertisements of ${learnedText}, and whether they are the same router was not proven (${gatewayMac ? 'the advertising router has no neighbour entry' : `no neighbour entry or answered echo showed the MAC of ${gateway}`}).`,
              evidence,
            },
          ]
        }
        return [{outcome: 'pass', subject, message: `${container.name}'s two IPv6 default routes lead to the same router (${gatewayMac}): Docker's via ${gateway} and the one its advertisements gave, via ${learnedText}.`, evidence}]
      })
    }),
}
