import type {Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {onEachParent} from './support/common.js'

const VLAN_NAME = /^(?<base>[^.]+)\.(?<vid>\d+)$/

export const vlanParent: Rule = {
  meta: {id: 'vlan-parent', code: 'MVD019', title: 'VLAN sub-interface parents are real VLANs', severity: 'warn', requires: ['links', 'networks']},
  evaluate: ({model}) =>
    onEachParent(
      model,
      (l2, parent) => {
        const subject = {network: l2.network.name, interface: parent.name}
        const {base, vid} = VLAN_NAME.exec(parent.name)?.groups ?? {}
        const facts = {parent: parent.name, kind: parent.kind, vlanId: parent.vlanId, lower: parent.parent}
        const evidence = {facts, commands: [sh`ip -d link show dev ${parent.name}`]}
        const problem =
          parent.kind !== 'vlan'
            ? `is named like a VLAN sub-interface but is ${parent.kind ? `a ${parent.kind} link` : 'not a VLAN link'}: frames leave untagged`
            : parent.vlanId !== Number(vid)
              ? `carries VLAN ${parent.vlanId}, not the ${vid} its name says`
              : parent.parent && parent.parent !== base
                ? `sits on ${parent.parent}, not on ${base}`
                : undefined
        if (!problem) {
          return {
            outcome: 'pass',
            subject,
            message: `Parent ${parent.name} is VLAN ${vid} on ${base}. The switch port must carry VLAN ${vid} tagged; if Docker created ${parent.name}, \`${sh`docker network rm ${l2.network.name}`}\` deletes it.`,
            evidence,
          }
        }
        return {
          outcome: 'warn',
          subject,
          message: `Parent ${parent.name} ${problem}.`,
          evidence,
          fix: {summary: `Recreate ${parent.name} as VLAN ${vid} on ${base}.`, commands: [sh`ip link del ${parent.name}`, sh`ip link add link ${base ?? ''} name ${parent.name} type vlan id ${vid ?? ''}`, sh`ip link set ${parent.name} up`]},
        }
      },
      model.l2Networks().filter((l2) => l2.parent && VLAN_NAME.test(l2.parent)),
    ),
}
