import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {bareAddress, cidrContains} from '../model/ip.js'
import {notApplicable} from './support/common.js'
import {answersFor, describeProbe, probeFacts, unaskedText} from './support/probe-evidence.js'

export const containerRoute: Rule = {
  meta: {
    id: 'container-route',
    code: 'MVD028',
    title: 'Containers route through their macvlan gateway',
    severity: 'warn',
    requires: ['networks', 'containers', 'containerViews'],
    probes: ['container-to-gateway', 'container-to-peer'],
    // Small pings are not affected by an MTU mismatch, and nothing upstream explains several default routes.
    causedBy: [
      {id: 'parent-missing', on: 'network'},
      {id: 'parent-down', on: 'network', explains: ['gateway-unreachable', 'peer-unreachable']},
      {id: 'parent-enslaved', on: 'network', explains: ['gateway-unreachable', 'peer-unreachable']},
      {id: 'wireless-parent', on: 'network', explains: ['gateway-unreachable']},
      {id: 'vlan-parent', on: 'network', explains: ['gateway-unreachable']},
      {id: 'mac-filtered', on: 'parent', explains: ['gateway-unreachable']},
      {id: 'subnet-mismatch', on: 'network', when: ['foreign-subnet'], explains: ['gateway-unreachable']},
      {id: 'gateway-outside-subnet', on: 'network', explains: ['gateway-unreachable', 'gateway-off-subnet', 'no-default-route']},
      {id: 'gateway-missing', on: 'network', when: ['no-gateway'], explains: ['gateway-unreachable', 'no-default-route']},
      {id: 'gateway-missing', on: 'network', when: ['other-router', 'gateway-silent'], explains: ['gateway-unreachable']},
      {id: 'ip-conflict', on: 'address', explains: ['gateway-unreachable', 'peer-unreachable']},
      {id: 'macvlan-mode', on: 'network', explains: ['peer-unreachable']},
      {id: 'container-stacking', on: 'address', explains: ['gateway-unreachable', 'peer-unreachable']},
    ],
  },
  evaluate: ({model, probes}) =>
    model.l2Networks().flatMap((l2) =>
      model.endpointsOf(l2.network).flatMap(({container, endpoint}): Finding[] => {
        const subject = {network: l2.network.name, container: container.name}
        const answers = answersFor(probes, ['container-to-gateway', 'container-to-peer'], {container: container.name, network: l2.network.name})
        // Not running steadily when collected, or changed while it was probed: its silence is not the LAN's.
        const unsteady = model.unsteadyReason(container) ?? answers.notRun.find((skip) => skip.container === container.name && skip.purposes.includes('container-to-gateway'))?.reason
        if (unsteady) return [{outcome: 'skip', skipKind: 'missing-data', subject, message: `Not checked: ${unsteady}, so nothing about its network or the LAN is concluded from it.`}]
        if (!endpoint.ipv4) return []
        if (!container.running || container.pid <= 0) return [notApplicable(subject, `${container.name} is not running (${container.status}): it has no routes to judge.`)]
        const view = model.containerView(container)
        if (!view) {
          const error = model.containerViewError(container)
          return [{outcome: 'skip', skipKind: 'missing-data', subject, message: `Not checked: ${container.name}'s own routes could not be read (${error ? error.message : 'its view was not collected'}).`}]
        }
        const ip = bareAddress(endpoint.ipv4)
        const device = view.addresses.find((address) => address.local === ip)?.ifname
        const onLink = view.addresses.filter((address) => address.family === 'inet' && address.scope !== 'host').map((address) => `${address.local}/${address.prefixlen}`)
        const defaults = view.routes.filter((route) => route.table === 'main' && route.dst === 'default' && !route.gateway?.includes(':'))
        const evidence = {facts: {address: ip, device, defaultRoutes: defaults.map((route) => `via ${route.gateway ?? '-'} dev ${route.dev ?? '-'}`)}, commands: [sh`nsenter --net=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' ${container.name}) ip route`]}
        const problems: Array<{problem: string; symptom: string}> = []
        if (!device) problems.push({problem: `has no interface holding its address ${ip}: its ${l2.driver} link is gone`, symptom: 'no-link'})
        else if (defaults.length === 0 && !l2.network.internal) problems.push({problem: 'has no default route: it reaches only its own subnet', symptom: 'no-default-route'})
        for (const route of defaults) {
          if (route.gateway && !onLink.some((cidr) => cidrContains(cidr, route.gateway ?? ''))) problems.push({problem: `has a default route via ${route.gateway}, which is on none of its subnets`, symptom: 'gateway-off-subnet'})
        }
        if (defaults.length > 1) problems.push({problem: `has ${defaults.length} default routes (${evidence.facts.defaultRoutes.join(', ')}): traffic leaves through whichever wins, not necessarily ${device}`, symptom: 'several-default-routes'})
        const described = problems.map(({problem}) => problem).join('; ')
        const probed = answers.judged
        const unasked = unaskedText(answers)
        const unreachable = probed.filter((record) => record.outcome === 'no-reply')
        if (probed.length + answers.errored.length > 0) Object.assign(evidence.facts, probeFacts([...probed, ...answers.errored]))
        if (unreachable.length > 0) {
          return [
            {
              outcome: 'fail',
              subject,
              message: `${container.name} cannot reach ${unreachable.map((record) => (record.purpose === 'container-to-gateway' ? `its gateway ${record.target}` : `its peer ${record.target}`)).join(' or ')}: ${unreachable.map(describeProbe).join('; ')}.${problems.length > 0 ? ` It also ${described}.` : ''}`,
              evidence,
              symptoms: [...new Set([...unreachable.map((record) => (record.purpose === 'container-to-gateway' ? 'gateway-unreachable' : 'peer-unreachable')), ...problems.map(({symptom}) => symptom)])],
              fix: {
                summary: unreachable.some((record) => record.l2 === 'unresolved')
                  ? "No ARP answer: its frames get no answer beyond its own link. Look at what lies between: the parent's link and switch port, a hypervisor or switch that drops extra MACs, the VLAN, whether anything holds the target address, and for peers the network's macvlan mode."
                  : 'ARP works but ICMP gets no answer: the target filters ICMP, or routing beyond it is broken.',
                commands: [],
              },
            },
          ]
        }
        if (problems.length === 0) {
          const proof = probed.length > 0 ? ` Proven: ${probed.map(describeProbe).join('; ')}.` : ''
          return [{outcome: 'pass', subject, message: `${container.name} routes off its subnet via ${defaults[0]?.gateway ?? 'no gateway (internal network)'}.${proof}${unasked ? ` Reachability ${unasked}.` : ''}`, evidence}]
        }
        return [
          {
            outcome: 'warn',
            subject,
            message: `${container.name} ${described}.`,
            evidence,
            symptoms: problems.map(({symptom}) => symptom),
            fix: {summary: `Set --gateway on ${l2.network.name} to the LAN router; with several networks, attach the macvlan one first or set the gateway priority (docker network connect --gw-priority on Engine 28+).`, commands: []},
          },
        ]
      }),
    ),
}
