import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {bareAddress} from '../model/ip.js'

export const portsIgnored: Rule = {
  meta: {id: 'ports-ignored', code: 'MVD023', title: 'No published ports on macvlan', severity: 'warn', requires: ['networks', 'containers']},
  evaluate: ({model}) =>
    model.l2Networks().flatMap((l2) =>
      model.endpointsOf(l2.network).map(({container, endpoint}): Finding => {
        const subject = {network: l2.network.name, container: container.name}
        const published = container.publishedPorts.map((port) => `${port.hostPort ?? '?'}->${port.containerPort}`)
        const evidence = {facts: {publishedPorts: published}, commands: [sh`docker port ${container.name}`, sh`docker inspect ${container.name} --format '{{json .HostConfig.PortBindings}}'`]}
        if (published.length === 0) return {outcome: 'pass', subject, message: `${container.name} publishes no ports.`, evidence}
        const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : `${container.name}'s address`
        return {
          outcome: 'warn',
          subject,
          message: `${container.name} publishes ${published.join(', ')}, which ${l2.driver} ignores (Docker only logs "${l2.driver} driver does not support port mappings"): the service is reachable only on the container's own address ${address}, at the container port.`,
          evidence,
          fix: {summary: `Drop -p/ports: for ${container.name} and use ${address}:<container-port>; if the port must differ, change it inside the container.`, commands: []},
        }
      }),
    ),
}
