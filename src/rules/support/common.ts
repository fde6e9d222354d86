import type {Finding, Subject} from '../../engine/types.js'
import type {HostModel, L2Network} from '../../model/host-model.js'
import type {Link} from '../../snapshot/types.js'

export function notApplicable(subject: Subject, message: string): Finding {
  return {outcome: 'skip', skipKind: 'not-applicable', subject, message}
}

/** Without `-o parent=` Docker puts the network on an internal dummy link: nothing on the LAN to judge. */
export const noParent = (subject: Subject) => notApplicable(subject, 'No parent was given: Docker attached this network to an internal dummy link.')

/** Runs `judge` on each L2 network whose parent link exists; the others are not applicable (parent-missing reports them). */
export function onEachParent(model: HostModel, judge: (l2: L2Network, parent: Link) => Finding, networks: L2Network[] = model.l2Networks()): Finding[] {
  return networks.map((l2) => {
    const subject = {network: l2.network.name, interface: l2.parent}
    if (!l2.parent) return noParent(subject)
    const parent = model.link(l2.parent)
    return parent ? judge(l2, parent) : notApplicable(subject, `Parent ${l2.parent} does not exist: see parent-missing.`)
  })
}

/** Why a link cannot pass frames, or undefined when it can. `UNKNOWN` is normal for drivers that don't report operstate. */
export function downReason(link: Link): string | undefined {
  if (!link.flags.includes('UP')) return 'administratively down'
  if (link.flags.includes('NO-CARRIER') || !link.flags.includes('LOWER_UP')) return 'up but without carrier (cable, switch port or peer down)'
  if (link.operstate !== 'UP' && link.operstate !== 'UNKNOWN') return `in operstate ${link.operstate}`
  return undefined
}
