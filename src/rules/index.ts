import type {Rule} from '../engine/types.js'
import {hostIsolation} from './host-isolation.js'
import {parentDown} from './parent-down.js'
import {parentMissing} from './parent-missing.js'
import {shimIncomplete} from './shim-incomplete.js'

/** Every rule, in the order reports list them. Codes are never reused: retired codes stay listed in docs/rules/README.md. */
export const RULES: readonly Rule[] = [parentMissing, parentDown, hostIsolation, shimIncomplete]

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id || rule.meta.code.toLowerCase() === id.toLowerCase())
}
