import type {Rule} from '../engine/types.js'
import {bridgeParent} from './bridge-parent.js'
import {hostIsolation} from './host-isolation.js'
import {kernelSupport} from './kernel-support.js'
import {macFiltered} from './mac-filtered.js'
import {macvlanMode} from './macvlan-mode.js'
import {parentDown} from './parent-down.js'
import {parentEnslaved} from './parent-enslaved.js'
import {parentMissing} from './parent-missing.js'
import {portsIgnored} from './ports-ignored.js'
import {shimIncomplete} from './shim-incomplete.js'
import {unsupportedPlatform} from './unsupported-platform.js'
import {vlanParent} from './vlan-parent.js'
import {wirelessParent} from './wireless-parent.js'

/**
 * Every rule, in the order reports list them: the platform first (when macvlan cannot work at all nothing else is
 * judged), then the parent link, the host's path to its containers, addressing, L2 and the containers themselves.
 * Codes are never reused: retired codes stay listed in docs/rules/README.md.
 */
export const RULES: readonly Rule[] = [
  unsupportedPlatform,
  kernelSupport,
  parentMissing,
  parentDown,
  parentEnslaved,
  bridgeParent,
  wirelessParent,
  vlanParent,
  macFiltered,
  hostIsolation,
  shimIncomplete,
  macvlanMode,
  portsIgnored,
]

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id || rule.meta.code.toLowerCase() === id.toLowerCase())
}
