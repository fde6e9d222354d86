import type {Finding, Subject} from '../engine/types.js'

export function notApplicable(subject: Subject, message: string): Finding {
  return {outcome: 'skip', skipKind: 'not-applicable', subject, message}
}

/** Without `-o parent=` Docker puts the network on an internal dummy link: nothing on the LAN to judge. */
export const noParent = (subject: Subject) => notApplicable(subject, 'No parent was given: Docker attached this network to an internal dummy link.')
