import type {Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {onEachParent} from './support/common.js'

const MTU_OPTION = 'com.docker.network.driver.mtu'

export const mtuMismatch: Rule = {
  meta: {id: 'mtu-mismatch', code: 'MVD017', title: 'MTUs fit the parent', severity: 'fail', requires: ['links', 'networks', 'containers', 'containerViews']},
  evaluate: ({model}) =>
    onEachParent(model, (l2, parent) => {
      const subject = {network: l2.network.name, interface: parent.name}
      const requested = l2.network.options[MTU_OPTION] ? Number(l2.network.options[MTU_OPTION]) : undefined
      const children = model.endpointsOf(l2.network).flatMap(({container, endpoint}) => {
        const view = model.containerView(container)
        const link = view?.links.find((candidate) => candidate.kind === l2.driver && (!endpoint.mac || candidate.mac?.toLowerCase() === endpoint.mac.toLowerCase()))
        return link ? [{who: `container ${container.name}`, mtu: link.mtu}] : []
      })
      const shims = model.hostMacvlansOn(parent.name).map((link) => ({who: `host macvlan ${link.name}`, mtu: link.mtu}))
      const tooBig = [...children, ...shims].filter((child) => child.mtu > parent.mtu)
      const evidence = {facts: {parentMtu: parent.mtu, requested, children: [...children, ...shims]}, commands: [sh`ip link show dev ${parent.name}`, sh`docker network inspect ${l2.network.name} --format ${`{{index .Options "${MTU_OPTION}"}}`}`]}
      if (tooBig.length > 0) {
        return {
          outcome: 'fail',
          subject,
          message: `${tooBig.map((child) => `${child.who} has MTU ${child.mtu}`).join(', ')}, above the parent's ${parent.mtu}: large packets are dropped, so small requests work and big transfers hang.`,
          evidence,
          fix: {summary: `Lower them to ${parent.mtu} (or raise ${parent.name}'s MTU if the whole LAN supports it).`, commands: tooBig.filter((child) => child.who.startsWith('host')).map((child) => sh`ip link set ${child.who.replace('host macvlan ', '')} mtu ${parent.mtu}`)},
        }
      }
      if (requested !== undefined && requested !== parent.mtu) {
        const ignored = children.some((child) => child.mtu !== requested)
        return {
          outcome: 'warn',
          subject,
          message: `The network asks for MTU ${requested} but its parent ${parent.name} has ${parent.mtu}${ignored ? `; the containers got ${[...new Set(children.map((child) => child.mtu))].join(', ')}, so the option is not doing what it says` : ''}.`,
          evidence,
          fix: {summary: `Recreate the network with -o ${MTU_OPTION}=${parent.mtu}, or without the option.`, commands: []},
        }
      }
      return {outcome: 'pass', subject, message: `Every macvlan on ${parent.name} fits its MTU of ${parent.mtu}.`, evidence}
    }),
}
